"""Tests of watcher.classify: the hard cases, the reasons' wording, the registry, the aggregate
verdict, and floors on the labelled set (tests/data/classify/pairs.jsonl)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from watcher.classify import (
    RULES,
    classify,
    classify_hunk,
    clear_caches,
    describe_rules,
    rule,
)
from watcher.classify.sentences import sentence
from watcher.models import Category, Change, Direction, Finding, Hunk, HunkKind, Severity

ROOT = Path(__file__).resolve().parent.parent


def modified(old: str, new: str, heading: str = "") -> Hunk:
    return Hunk(HunkKind.MODIFIED, old, new, heading=heading)


def judge(old: str, new: str, heading: str = "") -> Finding:
    return classify_hunk(modified(old, new, heading))


class TestHardCases:
    def test_negation_flip_in_a_long_sentence_is_critical(self) -> None:
        old = (
            "Jaazsugar Media does not record your activity logs, meaning there is no tracking of "
            "browsing history, traffic destinations, data content, or DNS queries, and this"
            " applies "
            "to every server in our network regardless of the country in which it is located."
        )
        new = old.replace("does not record", "records").replace(
            "there is no tracking", "there is tracking"
        )
        f = judge(old, new)
        assert f.severity is Severity.CRITICAL
        assert f.direction is Direction.WEAKENS
        assert Category.VPN_LOGGING in f.categories
        assert any(
            r.startswith("negation removed: 'does not record' -> 'records'") for r in f.reasons
        )

    def test_removed_negation_is_quoted_on_both_sides(self) -> None:
        f = judge("We do not store connection timestamps.", "We store connection timestamps.")
        assert f.reasons[0] == "negation removed: 'do not store' -> 'store' (connection timestamps)"

    def test_minutes_to_days_on_a_log_field_is_critical(self) -> None:
        f = judge(
            "We keep the time you connected to a server for 15 minutes, then delete it.",
            "We keep the time you connected to a server for 15 days, then delete it.",
        )
        assert f.severity is Severity.CRITICAL
        assert f.direction is Direction.WEAKENS
        assert "retention: 15 minutes -> 15 days" in f.reasons

    def test_shorter_retention_strengthens(self) -> None:
        f = judge("Crash reports are kept for 90 days.", "Crash reports are kept for 30 days.")
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.STRENGTHENS)
        assert f.categories == (Category.RETENTION,)

    def test_same_period_in_other_units_is_cosmetic(self) -> None:
        f = judge(
            "Support tickets are deleted after 6 months.",
            "Support tickets are deleted after six months.",
        )
        assert f.severity is Severity.COSMETIC

    def test_paraphrase_with_the_same_practice_is_cosmetic(self) -> None:
        f = judge(
            "We don't keep any logs of your online activity.",
            "We do not keep any records of what you do online.",
        )
        assert (f.severity, f.direction) == (Severity.COSMETIC, Direction.NEUTRAL)

    def test_do_not_currently_sell_weakens(self) -> None:
        f = judge(
            "We do not sell your personal information.",
            "We do not currently sell your personal information.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert f.reasons[0].startswith("hedge added: 'do not sell' -> 'do not currently sell'")

    def test_do_not_sell_to_may_sell_is_critical(self) -> None:
        f = judge(
            "We do not sell your data to third parties.", "We may sell your data to third parties."
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert Category.SHARING in f.categories

    def test_named_processor_inside_a_disclosed_class_is_minor(self) -> None:
        f = judge(
            "We use analytics providers to understand how visitors use our website.",
            "We use analytics providers such as Mixpanel to understand how visitors use our"
            " website.",
        )
        assert (f.severity, f.direction) == (Severity.MINOR, Direction.NEUTRAL)
        assert "new recipient: Mixpanel (analytics)" in f.reasons

    def test_new_recipient_class_for_advertising_is_critical(self) -> None:
        f = judge(
            "We share your information with payment processors and hosting providers.",
            "We share your information with payment processors, hosting providers and"
            " advertising partners.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)

    def test_recipient_allowed_by_an_exception_is_a_new_recipient(self) -> None:
        f = judge(
            "We do not share your personal data with anyone except our payment processor.",
            "We do not share your personal data with anyone except our payment processor and"
            " our marketing partners.",
        )
        assert f.direction is Direction.WEAKENS
        assert f.severity.rank >= Severity.MAJOR.rank

    def test_moved_paragraph_is_cosmetic_and_neutral(self) -> None:
        text = "We do not store connection timestamps or session durations."
        f = classify_hunk(Hunk(HunkKind.MOVED, text, text))
        assert (f.severity, f.direction) == (Severity.COSMETIC, Direction.NEUTRAL)
        assert f.reasons == ("paragraph moved",)

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("Last updated: March 3, 2023", "Last updated: January 12, 2024"),
            ("Effective date: 2023-05-01", "Effective date: 2024-02-15"),
        ],
    )
    def test_date_only_change_on_an_updated_line_is_none(self, old: str, new: str) -> None:
        assert judge(old, new).severity is Severity.NONE

    def test_contact_address_change_is_minor_contact(self) -> None:
        f = judge("Contact us at privacy@jetvpn.com.", "Contact us at dpo@jetvpn.com.")
        assert (f.severity, f.direction, f.categories) == (
            Severity.MINOR,
            Direction.NEUTRAL,
            (Category.CONTACT,),
        )
        assert f.reasons == ("contact: privacy@jetvpn.com -> dpo@jetvpn.com",)

    def test_deleted_no_log_section_is_critical(self) -> None:
        f = classify_hunk(Hunk(HunkKind.REMOVED, "We do not log DNS requests.", "", heading="Logs"))
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert f.reasons[0].startswith("promise deleted:")

    def test_warrant_canary_removed_is_critical_government_access(self) -> None:
        f = classify_hunk(
            Hunk(HunkKind.REMOVED, "We publish a warrant canary, updated every month.", "")
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert Category.GOVERNMENT_ACCESS in f.categories

    def test_dropping_the_user_notice_promise_is_critical(self) -> None:
        f = judge(
            "We will notify you before we hand your data to law enforcement.",
            "We may hand your data to law enforcement.",
            heading="Law enforcement requests",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert Category.GOVERNMENT_ACCESS in f.categories

    def test_move_into_fourteen_eyes_jurisdiction_weakens(self) -> None:
        f = judge(
            "Jet VPN is operated by Jet Networks Ltd., a company incorporated in Panama.",
            "Jet VPN is operated by Jet Networks Inc., a company incorporated in the United"
            " States.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert "jurisdiction: Panama -> United States" in f.reasons

    def test_ip_addresses_not_personal_data_weakens_scope(self) -> None:
        f = judge(
            "IP addresses are considered personal data under this policy.",
            "IP addresses are not considered personal data under this policy.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert Category.SCOPE in f.categories

    def test_retroactive_terms_are_critical(self) -> None:
        f = judge(
            "Changes to this policy will only apply to information collected after the change.",
            "Changes to this policy will apply to all information, including information"
            " previously collected.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)

    def test_one_word_negation_without_known_data_is_still_material(self) -> None:
        f = judge("We do not read your messages.", "We read your messages.")
        assert f.material
        assert f.direction is Direction.WEAKENS

    def test_button_label_is_not_a_practice(self) -> None:
        f = classify_hunk(Hunk(HunkKind.REMOVED, "Share On Facebook", ""))
        assert f.severity is Severity.COSMETIC

    def test_whitespace_only_difference_is_none(self) -> None:
        assert judge("We do not log.", "We  do not\nlog.").severity is Severity.NONE


class TestGeneralisationRound4:
    """Classes of change holdout4 missed, in wordings of their own."""

    def test_a_less_frequent_report_is_not_a_retention_period(self) -> None:
        f = judge(
            "We update our transparency report every quarter.",
            "We update our transparency report every year.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert Category.RETENTION not in f.categories

    def test_a_deletion_cadence_is_still_a_retention_period(self) -> None:
        f = judge("Access logs are wiped every 12 hours.", "Access logs are wiped every 36 hours.")
        assert Category.RETENTION in f.categories

    def test_months_in_whole_years_are_the_same_period(self) -> None:
        f = judge("Invoices are kept for 36 months.", "Invoices are kept for three years.")
        assert f.severity is Severity.COSMETIC

    def test_anonymous_data_tied_to_accounts_is_major(self) -> None:
        f = judge(
            "We keep anonymous statistics about feature use.",
            "We keep statistics about feature use for each user.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)

    def test_consent_first_becoming_opt_out_is_major(self) -> None:
        f = judge(
            "Personalised recommendations are shown only with your consent.",
            "Personalised recommendations are shown; you can opt out in settings.",
        )
        # The direction is "unclear" for now: the new opt-out also reads as a new right.
        assert f.severity is Severity.MAJOR
        assert any("opt-in -> opt-out" in r for r in f.reasons)

    def test_an_appended_exception_weakens(self) -> None:
        f = judge(
            "We do not read the messages you send.",
            "We do not read the messages you send unless you report them.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)

    def test_a_required_safeguard_only_recommended_weakens(self) -> None:
        f = judge(
            "Staff must use hardware security keys.",
            "Staff are encouraged to use hardware security keys.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)

    def test_a_demonym_names_the_country(self) -> None:
        f = judge(
            "We answer only orders of an Icelandic court.", "We answer only orders of a court."
        )
        assert f.material and Category.JURISDICTION in f.categories


class TestGeneralisationRound3:
    """Classes of change holdout2 and holdout3 missed, in wordings of their own."""

    def test_training_ai_models_on_user_content_is_a_new_purpose(self) -> None:
        f = judge(
            "We use uploaded documents to provide the service.",
            "We use uploaded documents to provide the service and to train our AI models.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert Category.PURPOSE in f.categories

    def test_a_bare_name_in_a_list_is_a_name(self) -> None:
        f = judge(
            "At sign-up we ask for your phone number and name.",
            "At sign-up we ask for your name and phone number.",
        )
        assert f.severity is Severity.COSMETIC

    def test_a_canary_that_never_says_canary_removed_is_critical(self) -> None:
        f = judge("To date we have never been served with a gag order or secret subpoena.", "")
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert Category.GOVERNMENT_ACCESS in f.categories

    def test_telling_the_affected_customer_is_a_notice_promise(self) -> None:
        f = judge(
            "If a court orders us to hand over data, we will notify you first unless prohibited.",
            "If a court orders us to hand over data, we tell the affected customer first unless"
            " prohibited.",
        )
        assert f.severity is Severity.COSMETIC

    def test_queries_sent_to_dns_resolvers_are_dns_queries(self) -> None:
        f = judge("", "Our resolvers keep requests made to our DNS servers for two days.")
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)


class TestGeneralisation:
    """The classes of change the first holdout missed, in wordings of their own."""

    def test_promise_narrowed_from_anyone_to_one_class_weakens(self) -> None:
        f = judge(
            "We will never rent your personal information to anyone.",
            "We will never rent your personal information to advertisers.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert f.reasons[0].startswith("promise narrowed:")

    def test_dropping_to_anyone_from_an_unqualified_promise_is_cosmetic(self) -> None:
        f = judge(
            "We never sell your personal information to anyone.",
            "We never sell your personal information.",
        )
        assert f.severity is Severity.COSMETIC

    def test_all_to_some_on_a_protection_weakens(self) -> None:
        f = judge(
            "We encrypt all of your backups before upload.",
            "We encrypt some of your backups before upload.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)

    def test_bounded_to_open_ended_retention_weakens(self) -> None:
        f = judge(
            "We keep your invoices until you close your account.",
            "We keep your invoices for as long as we deem them useful.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert Category.RETENTION in f.categories

    def test_legal_retention_worded_two_ways_is_cosmetic(self) -> None:
        f = judge(
            "Tax records are kept for as long as the law requires.",
            "Tax records are kept for as long as required by law.",
        )
        assert f.severity is Severity.COSMETIC

    def test_memory_only_to_database_on_vpn_sessions_is_critical(self) -> None:
        f = judge(
            "Session tokens for VPN connections live in RAM only.",
            "Session tokens for VPN connections are saved in our database.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert Category.VPN_LOGGING in f.categories

    def test_email_notice_of_policy_changes_dropped_weakens(self) -> None:
        f = judge(
            "We will email you before any update to this policy takes effect.",
            "Any update to this policy takes effect when posted.",
        )
        assert f.direction is Direction.WEAKENS
        assert f.severity.rank >= Severity.MAJOR.rank
        assert Category.POLICY_CHANGES in f.categories

    def test_will_notify_to_may_notify_of_government_requests_is_critical(self) -> None:
        f = judge(
            "We will notify users of government demands for their data.",
            "We may notify users of government demands for their data.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)

    def test_product_added_to_scope_is_major_neutral(self) -> None:
        f = judge(
            "This notice applies to our DNS resolver.",
            "This notice applies to our DNS resolver and our mail service.",
        )
        assert (f.severity, f.direction, f.categories) == (
            Severity.MAJOR,
            Direction.NEUTRAL,
            (Category.SCOPE,),
        )

    def test_data_type_added_to_a_verbless_list_is_major(self) -> None:
        f = judge(
            "Billing details: postal address.",
            "Billing details: postal address, phone number.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert Category.COLLECTION in f.categories

    def test_list_under_a_never_collect_heading_keeps_its_negation(self) -> None:
        f = classify_hunk(
            Hunk(HunkKind.REMOVED, "- Your DNS queries", "", heading="Data we never collect")
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)

    def test_rights_procedure_change_is_minor(self) -> None:
        f = judge(
            "To exercise your rights, write to our privacy team by post.",
            "To exercise your rights, use the web form and verify your identity.",
            heading="Your rights",
        )
        assert (f.severity, f.direction) == (Severity.MINOR, Direction.NEUTRAL)
        assert Category.USER_RIGHTS in f.categories

    def test_new_source_of_data_is_collection(self) -> None:
        f = classify_hunk(
            Hunk(HunkKind.ADDED, "", "We may receive details about you from our affiliates.")
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert Category.COLLECTION in f.categories


class TestSummary:
    def test_quotes_keep_the_policy_capitals(self) -> None:
        v = classify(
            Change(
                (
                    modified(
                        "Nimbus Cloud GmbH does not sell your data to Acme Analytics.",
                        "Nimbus Cloud GmbH may sell your data to Acme Analytics.",
                    ),
                )
            )
        )
        assert v.summary.startswith("Sharing: the policy now says “Nimbus Cloud GmbH may sell")

    def test_long_quotes_are_cut_at_a_word_with_an_ellipsis(self) -> None:
        long = (
            "We do not store the IP address you connect from, the time you connect, the "
            "servers you use, the amount of data you transfer or any other record of activity."
        )
        v = classify(Change((Hunk(HunkKind.REMOVED, long, ""),)))
        quote = v.summary.split("“", 1)[1]
        assert quote.endswith("…”")
        assert long.startswith(quote[:-2])  # whole words, original capitals

    def test_cosmetic_summary_says_nothing_material_changed(self) -> None:
        v = classify(
            Change((modified("Please read it carefully.", "Please read this carefully."),))
        )
        assert v.summary == "No material change: only the wording changed"


class TestGate:
    def test_gate_finds_exactly_the_patterns_that_can_match(self) -> None:
        from watcher.classify.matching import Gate

        gate = Gate([frozenset({"ip"}), frozenset({"ipv4", "addr"}), frozenset({"log"})])
        assert gate.candidates("our ipv4 addresses") == [0, 1]
        assert gate.candidates("blog") == [2]
        assert gate.candidates("nothing here") == []

    def test_sound_gates_only_drop_patterns(self) -> None:
        from watcher.classify.matching import ALWAYS, Gate

        gate = Gate(
            [frozenset({"ip"}), frozenset({"log"}), frozenset({"data"})],
            [frozenset({"address"}), ALWAYS, frozenset({"data"})],
        )
        assert gate.candidates("ip address logs") == [0, 1]
        assert gate.candidates("ip only") == []
        assert gate.candidates("blog data") == [1, 2]

    def test_required_words_are_in_every_match(self) -> None:
        """Every pattern a gate words for: wherever it matches a labelled sentence, one of its
        required words is in the sentence (the gate may only ever skip a pattern that fails)."""
        from watcher.classify import claim, cues, quantities
        from watcher.classify import lexicon as lx
        from watcher.classify.matching import ALWAYS, quick_gate, required_words
        from watcher.classify.sentences import split_sentences

        rxs = [t.pattern for t in lx.ALL_TERMS] + [rx for _, rx in cues.CATEGORY_CUES]
        rxs += [p for _, _, p in lx.VERB_GROUPS]
        rxs += [lx.NEVER, lx.NEGATION, lx.EXCEPTION, lx.HEDGE, lx.MAY, claim._ONLY_IF]
        rxs += list(quantities._QUICK)
        assert quick_gate(lx.NEGATION) is None  # "no" is too short to test for
        assert required_words(r"\be\.g\.|such as") == frozenset({"e", "such"})
        assert required_words(r"[a-z]+@\w") == ALWAYS
        texts = [
            sentence(s).text
            for p in _eval().load()
            for side in ("old", "new")
            for s in split_sentences(str(p.get(side, "")))
        ]
        checked = 0
        for rx in rxs:
            words = required_words(rx.pattern)
            for text in texts:
                for m in rx.finditer(text):
                    checked += 1
                    assert words >= ALWAYS or any(w in m.group(0) for w in words), (
                        rx.pattern,
                        m.group(0),
                    )
        assert checked > 1000


class TestColdWarm:
    def test_country_trie_finds_what_the_plain_alternation_finds(self) -> None:
        """The country regex is a trie; it must match exactly as the alternation of every name,
        longest first, does, over every sentence of the labelled set."""
        import re

        from watcher.classify import cues
        from watcher.classify.sentences import split_sentences

        names = sorted(cues.COUNTRIES | set(cues._COUNTRY_ALIASES), key=len, reverse=True)
        plain = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")
        texts = [
            sentence(s).text
            for p in _eval().load()
            for side in ("old", "new", "heading")
            for s in split_sentences(str(p.get(side, "") or ""))
        ]
        texts += ["the u.s. and the us", "u.s.a.", "in the uk.", "european union law", "usa-based"]
        hits = 0
        for t in texts:
            want = [(m.span(), m.group(0)) for m in plain.finditer(t)]
            assert [(m.span(), m.group(0)) for m in cues.COUNTRY_RE.finditer(t)] == want, t
            hits += len(want)
        assert hits > 20

    def test_clear_caches_empties_every_memo(self) -> None:
        import functools

        import watcher.classify as pkg
        from watcher.classify import memo

        ev = _eval()
        classify(Change(tuple(ev.hunk_of(p) for p in ev.load()[:40])))
        memos = [
            obj
            for name in sys.modules
            if name.startswith("watcher.classify.")
            for obj in vars(sys.modules[name]).values()
            if isinstance(obj, functools._lru_cache_wrapper)
        ]
        assert memos and all(any(m is r for r in memo._MEMOS) for m in memos)
        assert any(m.cache_info().currsize for m in memos)
        pkg.clear_caches()
        assert all(m.cache_info().currsize == 0 for m in memos)

    def test_cold_and_warm_runs_give_the_same_verdicts(self) -> None:
        ev = _eval()
        hunks = tuple(ev.hunk_of(p) for p in ev.load()[:120])
        clear_caches()
        cold = classify(Change(hunks))
        warm = classify(Change(hunks))
        assert cold == warm
        clear_caches()
        assert [classify_hunk(h) for h in hunks] == list(cold.findings)


class TestVerdict:
    def test_no_hunks_is_no_change(self) -> None:
        v = classify(Change(()))
        assert (v.severity, v.direction, v.categories, v.findings) == (
            Severity.NONE,
            Direction.NEUTRAL,
            (),
            (),
        )
        assert v.summary == "No change"

    def test_findings_follow_hunks_in_order(self) -> None:
        hunks = (
            modified("Last updated: May 1, 2023", "Last updated: June 1, 2024"),
            modified("We do not store connection timestamps.", "We store connection timestamps."),
            Hunk(HunkKind.MOVED, "Contact us.", "Contact us."),
        )
        v = classify(Change(hunks))
        assert [f.severity for f in v.findings] == [
            Severity.NONE,
            Severity.CRITICAL,
            Severity.COSMETIC,
        ]
        assert v.severity is Severity.CRITICAL
        assert v.direction is Direction.WEAKENS

    def test_summary_names_the_most_severe_finding_in_plain_words(self) -> None:
        v = classify(
            Change(
                (
                    modified(
                        "Crash reports are kept for 90 days.", "Crash reports are kept for 30 days."
                    ),
                    Hunk(HunkKind.REMOVED, "We do not store connection timestamps.", ""),
                )
            )
        )
        assert v.summary == (
            "VPN logging: the policy no longer says “We do not store connection timestamps”"
        )

    def test_weakening_and_strengthening_hunks_make_an_unclear_verdict(self) -> None:
        v = classify(
            Change(
                (
                    modified(
                        "Crash reports are kept for 90 days.", "Crash reports are kept for 30 days."
                    ),
                    modified(
                        "We do not collect your phone number.", "We collect your phone number."
                    ),
                )
            )
        )
        assert v.direction is Direction.UNCLEAR
        assert v.categories[:1] == (Category.RETENTION,)
        assert Category.COLLECTION in v.categories

    def test_cosmetic_only_change_is_neutral_and_not_material(self) -> None:
        v = classify(
            Change((modified("Please read it carefully.", "Please read this carefully."),))
        )
        assert (v.severity, v.direction, v.material) == (
            Severity.COSMETIC,
            Direction.NEUTRAL,
            False,
        )

    def test_classify_is_deterministic(self) -> None:
        pairs = _eval().load()
        change = Change(tuple(_eval().hunk_of(p) for p in pairs[:60]))
        first = classify(change)
        clear_caches()
        assert classify(change) == first
        assert classify(change) == first


class TestRegistry:
    def test_every_rule_has_a_docstring_and_is_described(self) -> None:
        described = dict(describe_rules())
        assert set(described) == set(RULES)
        for name, fn in RULES.items():
            assert (fn.__doc__ or "").strip(), name
            first_paragraph = fn.__doc__.strip().split("\n\n")[0]  # type: ignore[union-attr]
            assert described[name] == " ".join(first_paragraph.split())

    def test_rule_without_docstring_is_refused(self) -> None:
        with pytest.raises(ValueError, match="no docstring"):

            @rule("undocumented-test-rule")
            def undocumented(view: object) -> list[object]:
                return []

        assert "undocumented-test-rule" not in RULES

    def test_rule_name_registered_twice_is_refused(self) -> None:
        with pytest.raises(ValueError, match="twice"):

            @rule("practice-modality")
            def again(view: object) -> list[object]:
                """Duplicate."""
                return []


def _eval() -> ModuleType:
    """bench/classify_eval.py, loaded by path (bench/ is not a package)."""
    name = "classify_eval"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "classify_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# Floors: what the classifier measured on the labelled set, minus a small margin, per split. Raise
# them when the rules improve; never set them above what the code does. "holdout4" was labelled
# before the classifier saw it: its baseline (in the comments) is the honest generalisation figure;
# the earlier holdouts have been development data since the round that added the next one.
FLOORS = {
    "dev": {
        "material": 0.97,  # measured 0.984
        "category_macro_f1": 0.89,  # 0.908
        "direction": 0.95,  # 0.967
        "severity_within_one": 0.98,  # 0.989
    },
    "holdout1": {
        "material": 0.93,  # 0.951
        "category_macro_f1": 0.91,  # 0.929
        "direction": 0.96,  # 0.984
        "severity_within_one": 0.95,  # 0.967
    },
    "holdout2": {
        "material": 0.95,  # 0.970
        "category_macro_f1": 0.88,  # 0.906
        "direction": 0.93,  # 0.950
        "severity_within_one": 0.96,  # 0.980
    },
    "holdout3": {
        "material": 0.93,  # 0.957 (0.806 before any rule saw it)
        "category_macro_f1": 0.84,  # 0.860 (0.800)
        "direction": 0.85,  # 0.871
        "severity_within_one": 0.95,  # 0.978
    },
    "holdout4": {
        "material": 0.98,  # 1.000 (0.690 before any rule saw it)
        "category_macro_f1": 0.87,  # 0.891 (0.796)
        "direction": 0.95,  # 0.970 (0.640)
        "severity_within_one": 0.98,  # 1.000 (0.720)
    },
    "holdout5": {
        "material": 0.96,  # 0.984 (0.824 before any rule saw it)
        "category_macro_f1": 0.84,  # 0.864 (0.786)
        "direction": 0.87,  # 0.896 (0.752)
        "severity_within_one": 0.97,  # 0.992 (0.848)
    },
    # holdout6 was labelled blind and measured once before tuning (material 0.767, category F1
    # 0.808, direction 0.747, within one 0.800, cosmetic rated major+ 0.182), then tuned on.
    "holdout6": {
        "material": 0.93,  # 0.953
        "category_macro_f1": 0.81,  # 0.836
        "direction": 0.88,  # 0.900
        "severity_within_one": 0.94,  # 0.967
    },
    # holdout7, the same: blind first measurement material 0.820, category F1 0.801, direction
    # 0.727, within one 0.880, cosmetic rated major+ 0.094; then tuned on.
    "holdout7": {
        "material": 0.92,  # 0.947
        "category_macro_f1": 0.79,  # 0.815
        "direction": 0.81,  # 0.833
        "severity_within_one": 0.93,  # 0.967
    },
    # holdout8, the same: blind first measurement material 0.740, category F1 0.786, direction
    # 0.673, within one 0.767, cosmetic rated major+ 0.236 (legalese and app-store registers).
    "holdout8": {
        "material": 0.88,  # 0.907
        "category_macro_f1": 0.77,  # 0.793
        "direction": 0.79,  # 0.813
        "severity_within_one": 0.89,  # 0.920
    },
    # holdout9, the same: blind first measurement material 0.893, category F1 0.837, direction
    # 0.833, within one 0.907, cosmetic rated major+ 0.036 (hunks shaped like page diffs).
    "holdout9": {
        "material": 0.96,  # 0.987
        "category_macro_f1": 0.82,  # 0.844
        "direction": 0.88,  # 0.907
        "severity_within_one": 0.97,  # 0.993
    },
    # holdout10, the same: blind first measurement material 0.807, category F1 0.766, direction
    # 0.700, within one 0.813, cosmetic rated major+ 0.036 (collection, purpose, scope, ...).
    "holdout10": {
        "material": 0.93,  # 0.953
        "category_macro_f1": 0.77,  # 0.795
        "direction": 0.79,  # 0.820
        "severity_within_one": 0.93,  # 0.953
    },
    # holdout11, the same: blind first measurement material 0.847, category F1 0.768, direction
    # 0.800, within one 0.887, cosmetic rated major+ 0.056 (tracking, sharing, rights, contact).
    "holdout11": {
        "material": 0.89,  # 0.913
        "category_macro_f1": 0.75,  # 0.779
        "direction": 0.82,  # 0.847
        "severity_within_one": 0.91,  # 0.940
    },
    # holdout12, the same: blind first measurement material 0.893, category F1 0.849, direction
    # 0.847, within one 0.920, cosmetic rated major+ 0.055 (a year of changes, 22 providers).
    "holdout12": {
        "material": 0.92,  # 0.947
        "category_macro_f1": 0.83,  # 0.860
        "direction": 0.86,  # 0.887
        "severity_within_one": 0.93,  # 0.960
    },
    # holdout13, the same: blind first measurement material 0.867, category F1 0.768, direction
    # 0.820, within one 0.907, cosmetic rated major+ 0.067 (hosting and cloud terms, DPAs).
    "holdout13": {
        "material": 0.89,  # 0.920
        "category_macro_f1": 0.77,  # 0.802
        "direction": 0.86,  # 0.887
        "severity_within_one": 0.92,  # 0.947
    },
    # holdout14, the same: blind first measurement material 0.867, category F1 0.791, direction
    # 0.827, within one 0.907, cosmetic rated major+ 0.117 (consumer apps, FAQ and label wording).
    "holdout14": {
        "material": 0.93,  # 0.953
        "category_macro_f1": 0.77,  # 0.798
        "direction": 0.87,  # 0.900
        "severity_within_one": 0.96,  # 0.987
    },
    # holdout15, the same: blind first measurement material 0.767, category F1 0.741, direction
    # 0.753, within one 0.847, cosmetic rated major+ 0.117 (regulated sectors, long paragraphs,
    # translated English; measured after this session's tuning on holdout13 and 14).
    "holdout15": {
        "material": 0.84,  # 0.867
        "category_macro_f1": 0.74,  # 0.774
        "direction": 0.79,  # 0.820
        "severity_within_one": 0.89,  # 0.920
    },
    # holdout16, the same: blind first measurement material 0.853, category F1 0.786, direction
    # 0.833, within one 0.873, cosmetic rated major+ 0.083 (B2B SaaS, social, games, smart TVs;
    # bullets and table rows; measured after tuning on holdout13 to 15).
    "holdout16": {
        "material": 0.87,  # 0.900
        "category_macro_f1": 0.75,  # 0.780
        "direction": 0.83,  # 0.860
        "severity_within_one": 0.90,  # 0.927
    },
    # holdout17, the same: blind first measurement material 0.900, category F1 0.808, direction
    # 0.867, within one 0.927, cosmetic rated major+ 0.133 (the changes a monitor sees most;
    # measured after tuning on holdout13 to 16).
    "holdout17": {
        "material": 0.91,  # 0.940
        "category_macro_f1": 0.78,  # 0.812
        "direction": 0.88,  # 0.907
        "severity_within_one": 0.94,  # 0.973
    },
    # holdout18, the same: blind first measurement material 0.807, category F1 0.768, direction
    # 0.800, within one 0.860, cosmetic rated major+ 0.150 (a cross-section of the market;
    # measured after all of the third session's tuning, then tuned on only briefly).
    "holdout18": {
        "material": 0.79,  # 0.820
        "category_macro_f1": 0.74,  # 0.771
        "direction": 0.78,  # 0.813
        "severity_within_one": 0.84,  # 0.873
    },
}
# Ceilings on the share of cosmetic hunks rated major or above (noise is what users hate most).
COSMETIC_MAJOR_CEILINGS = {
    "dev": 0.02,
    "holdout1": 0.02,
    "holdout2": 0.02,
    "holdout3": 0.02,
    "holdout4": 0.02,
    "holdout5": 0.02,  # measured 0 (0.022 before tuning)
    "holdout6": 0.04,  # measured 0.036: 2 of 55 (restructured long sentences; 0.182 before)
    "holdout7": 0.04,  # measured 0.038: 2 of 53 (0.094 before)
    "holdout8": 0.08,  # measured 0.073: 4 of 55 (0.236 before)
    "holdout9": 0.02,  # measured 0 (0.036 before)
    "holdout10": 0.02,  # measured 0.018: 1 of 55 (0.036 before)
    "holdout11": 0.02,  # measured 0.019: 1 of 54 (0.056 before)
    "holdout12": 0.02,  # measured 0 (0.055 before)
    "holdout13": 0.02,  # measured 0 (0.067 before)
    "holdout14": 0.02,  # measured 0 (0.117 before)
    "holdout15": 0.02,  # measured 0.017: 1 of 60 (0.117 before)
    "holdout16": 0.02,  # measured 0.017: 1 of 60 (0.083 before)
    "holdout17": 0.06,  # measured 0.050: 3 of 60 (0.133 before)
    "holdout18": 0.14,  # measured 0.117: 7 of 60 (0.150 before); barely tuned on yet
}


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_labelled_set_stays_above_measured_floors(split: str) -> None:
    ev = _eval()
    pairs = [p for p in ev.load() if p.get("split") == split]
    assert len(pairs) >= 50
    metrics, _ = ev.evaluate(pairs)
    for name, floor in FLOORS[split].items():
        assert getattr(metrics, name) >= floor, (
            f"{split} {name} {getattr(metrics, name):.3f} < {floor}"
        )
    assert metrics.cosmetic_major <= COSMETIC_MAJOR_CEILINGS[split]


def test_labelled_set_is_large_and_covers_every_label() -> None:
    pairs = _eval().load()
    assert len(pairs) >= 300
    assert sum(p["split"] == "holdout2" for p in pairs) >= 80
    assert sum(p["split"] == "holdout3" for p in pairs) >= 80
    assert sum(p["split"] == "holdout4" for p in pairs) >= 80
    assert sum(p["split"] == "holdout5" for p in pairs) >= 100
    assert all(sum(p["split"] == f"holdout{n}" for p in pairs) == 150 for n in range(6, 19))
    assert {p["severity"] for p in pairs} == {s.value for s in Severity}
    assert {p["direction"] for p in pairs} == {d.value for d in Direction}
    assert {c for p in pairs for c in p["categories"]} == {c.value for c in Category}
    assert {p["kind"] for p in pairs} == {k.value for k in HunkKind}
    for p in pairs:
        assert p["material"] == (p["severity"] in ("minor", "major", "critical")), p["id"]


def test_start_index_matches_exactly_what_finditer_matches() -> None:
    """``Starts`` finds every match ``finditer`` finds, over every clause of the labelled set."""
    import json

    from watcher.classify import cues
    from watcher.classify import lexicon as lx
    from watcher.classify.claim import DNT
    from watcher.classify.practice import clauses
    from watcher.classify.sentences import clean, mask_dates, split_sentences
    from watcher.classify.starts import Starts

    path = Path(__file__).parent / "data" / "classify" / "pairs.jsonl"
    texts: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            pair = json.loads(line)
            for key in ("old", "new", "heading"):
                for s in split_sentences(str(pair.get(key) or "")):
                    text = mask_dates(clean(s))
                    texts.add(text)
                    texts.update(clauses(DNT.sub("dnt", text)))
    families = (
        [p for _, _, p in lx.VERB_GROUPS],
        [t.pattern for t in lx.ALL_TERMS],
        [rx for _, rx in cues.CATEGORY_CUES],
    )
    for patterns in families:
        starts = Starts(patterns)
        for text in texts:
            got = {i: [m.span() for m in ms] for i, ms in starts.finditer(text)}
            want = {i: [m.span() for m in rx.finditer(text)] for i, rx in enumerate(patterns)}
            assert got == {i: v for i, v in want.items() if v}, text
            assert starts.searching(text) == sorted(got), text


class TestPromiseClasses:
    """One test per class of failure fixed in this round, each in wording of its own."""

    def test_birth_date_leaving_a_collection_list_is_major(self) -> None:
        f = judge(
            "When you sign up we ask for your phone number and your birthdate.",
            "When you sign up we ask for your phone number.",
        )
        assert f.severity is Severity.MAJOR
        assert f.direction is Direction.STRENGTHENS
        assert Category.COLLECTION in f.categories

    def test_porting_dropped_from_a_list_of_rights_is_major(self) -> None:
        f = judge(
            "Users have the right to see, fix, erase or port their information.",
            "Users have the right to see, fix or erase their information.",
        )
        assert f.severity is Severity.MAJOR
        assert f.direction is Direction.WEAKENS
        assert Category.USER_RIGHTS in f.categories

    def test_promise_not_to_disclose_narrowed_to_not_selling_weakens(self) -> None:
        f = judge(
            "We will not disclose your browsing history to advertisers.",
            "We will not sell your browsing history to advertisers.",
        )
        assert f.severity.rank >= Severity.MAJOR.rank
        assert f.direction is Direction.WEAKENS

    def test_promise_not_to_sell_widened_to_not_sharing_strengthens(self) -> None:
        f = judge(
            "We never sell the contents of your messages.",
            "We never share the contents of your messages.",
        )
        assert f.severity is Severity.MAJOR
        assert f.direction is Direction.STRENGTHENS

    def test_direct_notice_of_policy_changes_replaced_by_a_web_page_weakens(self) -> None:
        f = judge(
            "If we revise this notice we will send you an e-mail two weeks before the new "
            "version applies.",
            "If we revise this notice we will publish the new version on our website.",
        )
        assert f.severity is Severity.MAJOR
        assert f.direction is Direction.WEAKENS
        assert Category.POLICY_CHANGES in f.categories

    def test_changes_without_notice_replaced_by_advance_notice_strengthens(self) -> None:
        f = judge(
            "The company can amend this agreement at its absolute discretion without prior notice.",
            "The company can amend this agreement; users will get one month's notice in advance.",
        )
        assert f.severity is Severity.MAJOR
        assert f.direction is Direction.STRENGTHENS

    def test_collected_before_the_change_is_not_advance_notice(self) -> None:
        f = judge(
            "Updates to these terms cover only data gathered after they take effect.",
            "Updates to these terms cover data gathered before they take effect as well.",
        )
        assert not any("change notice" in r for r in f.reasons)

    def test_shorter_key_of_the_same_cipher_is_a_major_weakening(self) -> None:
        f = judge(
            "Backups are protected using 256-bit AES keys.",
            "Backups are protected using 128-bit AES keys.",
        )
        assert f.severity is Severity.MAJOR
        assert f.direction is Direction.WEAKENS
        assert Category.SECURITY in f.categories

    def test_no_longer_honouring_a_browser_opt_out_signal_weakens(self) -> None:
        f = judge(
            "Our sites treat a GPC signal as a valid request to opt out.",
            "Our sites do not treat a GPC signal as a request to opt out.",
        )
        assert f.severity.rank >= Severity.MAJOR.rank
        assert f.direction is Direction.WEAKENS
        assert Category.TRACKING in f.categories

    def test_dropping_a_promise_to_contest_state_demands_is_critical(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "We push back on law enforcement demands that lack a proper legal basis.",
                "",
            )
        )
        assert f.severity is Severity.CRITICAL
        assert f.direction is Direction.WEAKENS
        assert Category.GOVERNMENT_ACCESS in f.categories

    def test_nothing_written_to_disk_becoming_some_writes_is_major(self) -> None:
        f = judge(
            "Our VPN nodes boot from memory and never store anything on hard disks.",
            "Our VPN nodes boot from memory; error reports are saved on local disks.",
        )
        assert f.severity.rank >= Severity.MAJOR.rank
        assert f.direction is Direction.WEAKENS

    def test_client_side_encryption_replaced_by_server_encryption_weakens(self) -> None:
        f = judge(
            "Notes are protected with zero-knowledge encryption, so our staff can never see them.",
            "Notes are encrypted at rest on our servers.",
        )
        assert f.severity is Severity.MAJOR
        assert f.direction is Direction.WEAKENS
        assert Category.SECURITY in f.categories

    def test_users_right_to_cancel_removed_is_a_major_weakening(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "Where we add a new processor, subscribers are entitled to cancel the contract "
                "at no cost.",
                "",
            )
        )
        assert f.severity is Severity.MAJOR
        assert f.direction is Direction.WEAKENS
        assert Category.USER_RIGHTS in f.categories

    def test_provider_terminating_an_account_is_no_user_right(self) -> None:
        f = classify_hunk(
            Hunk(HunkKind.REMOVED, "We may terminate accounts that break these rules.", "")
        )
        assert Category.USER_RIGHTS not in f.categories

    def test_continental_street_address_removed_is_a_minor_contact_change(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "Letters may be sent to Nordlicht AG, Lindenstrasse 12, 8004 Zürich.",
                "",
            )
        )
        assert f.severity is Severity.MINOR
        assert Category.CONTACT in f.categories

    def test_new_named_data_protection_officer_is_a_minor_contact_change(self) -> None:
        f = judge(
            "For privacy questions, our data protection officer is Privacy Partners Ltd.",
            "For privacy questions, our data protection officer is Datenschutz Kanzlei GmbH.",
        )
        assert f.severity is Severity.MINOR
        assert Category.CONTACT in f.categories

    def test_reworded_dpo_sentence_naming_the_same_officer_stays_cosmetic(self) -> None:
        f = judge(
            "Our DPO is Privacy Partners Ltd, who can help with any questions.",
            "Our data protection officer is Privacy Partners Ltd, who can answer your questions.",
        )
        assert f.severity is Severity.COSMETIC


def _labelled_texts() -> set[str]:
    """Every sentence text and clause of the labelled set (cleaned, dates masked)."""
    import json

    from watcher.classify.claim import DNT
    from watcher.classify.practice import clauses
    from watcher.classify.sentences import clean, mask_dates, split_sentences

    path = Path(__file__).parent / "data" / "classify" / "pairs.jsonl"
    texts: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            pair = json.loads(line)
            for key in ("old", "new", "heading"):
                for s in split_sentences(str(pair.get(key) or "")):
                    text = mask_dates(clean(s))
                    texts.add(text)
                    texts.update(clauses(DNT.sub("dnt", text)))
    return texts


class TestSpeedupsChangeNothing:
    """What is computed once or skipped for speed gives what computing it plainly gives."""

    def test_changed_sentences_are_derived_once_and_as_before(self) -> None:
        from watcher.classify.sentences import view

        for kind, old, new in (
            (HunkKind.MODIFIED, "We sell data. We keep logs. Hello there.", "We keep logs. Hi."),
            (HunkKind.MOVED, "We keep logs for a day.", "We keep logs for a day."),
            (HunkKind.ADDED, "", "We share your email with partners."),
        ):
            hv = view(Hunk(kind, old, new))
            assert hv.moved is (kind is HunkKind.MOVED)
            assert hv.changed_old() == tuple(
                [hv.old[i] for i, _ in hv.pairs] + [hv.old[i] for i in hv.removed]
            )
            assert hv.changed_new() == tuple(
                [hv.new[j] for _, j in hv.pairs] + [hv.new[j] for j in hv.added]
            )
            assert hv.changed_old() is hv.changed_old()  # not rebuilt per call

    def test_one_walk_finds_the_verbs_and_terms_of_separate_scans(self) -> None:
        from watcher.classify import lexicon as lx
        from watcher.classify.matching import literal_runs
        from watcher.classify.practice import _verbs_and_terms

        gates = [literal_runs(t.pattern.pattern) for t in lx.ALL_TERMS]
        for text in _labelled_texts():
            verbs, terms = _verbs_and_terms(text)
            want_verbs = sorted(
                (m.start(), m.end(), group, sense, m.group(0))
                for group, sense, rx in lx.VERB_GROUPS
                for m in rx.finditer(text)
            )
            assert verbs == want_verbs, text
            matches = [
                (m.start(), m.end(), t, m.group(0))
                for i, t in enumerate(lx.ALL_TERMS)
                if any(g in text for g in gates[i])
                for m in t.pattern.finditer(text)
            ]
            matches.sort(key=lambda m: (m[0] - m[1], m[0]))
            taken: list[tuple[int, int]] = []
            want: list[tuple[int, lx.Term, str]] = []
            for s, e, t, phrase in matches:
                if not any(s < te and ts < e for ts, te in taken):
                    taken.append((s, e))
                    want.append((s, t, phrase))
            assert terms == sorted(want, key=lambda f: f[0]), text

    def test_gated_searches_agree_with_plain_searches(self) -> None:
        import re

        from watcher.classify import notices, provisions, qualifiers
        from watcher.classify.matching import gate_words

        patterns = [rx for rx in vars(qualifiers).values() if isinstance(rx, re.Pattern)] + [
            notices._SUBJECT,
            provisions._SCOPE,
            provisions._VOLATILE,
        ]
        texts = _labelled_texts()
        clear_caches()
        for rx in patterns:
            words = gate_words(rx)
            for text in texts:
                plain = rx.search(text) is not None
                assert qualifiers._hit(rx, text) is plain, (rx.pattern, text)
                assert (any(w in text for w in words) and plain) is plain, (rx.pattern, text)
        assert provisions._volatile("data is kept in ram only")
        assert not provisions._volatile("we keep data on disk")


class TestPeriodsAndDateStamps:
    def test_deletion_cadence_in_words_is_a_retention_period(self) -> None:
        f = judge(
            "Connection timestamps are purged at the end of each day.",
            "Connection timestamps are purged at the end of each month.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert "retention: each day -> each month" in f.reasons

    def test_deleted_once_done_then_kept_for_years_weakens_retention(self) -> None:
        f = judge(
            "Biometric templates are destroyed as soon as identity verification is complete.",
            "Biometric templates are destroyed within three years of your last interaction.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert Category.RETENTION in f.categories

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("© 2023 Jetway Ltd. All rights reserved.", "© 2024 Jetway Ltd. All rights reserved."),
            ("Last refreshed: 01.04.2024", "Last refreshed: 01.07.2024"),
        ],
    )
    def test_copyright_and_refresh_stamps_are_no_change(self, old: str, new: str) -> None:
        assert judge(old, new).severity is Severity.NONE

    def test_audit_year_is_a_minor_security_change(self) -> None:
        f = judge(
            "Our platform was last assessed against ISO 27001 in 2023.",
            "Our platform was last assessed against ISO 27001 in 2024.",
        )
        assert f.severity is Severity.MINOR
        assert f.categories == (Category.SECURITY,)

    def test_restructured_change_notice_is_not_a_scope_change(self) -> None:
        f = judge(
            "Should we materially revise this notice, we will email you at least 30 days before "
            "the revision applies.",
            "We will email you at least 30 days before any material revision of this notice "
            "applies.",
        )
        assert f.severity is Severity.COSMETIC

    def test_policy_covering_a_new_product_is_a_scope_change(self) -> None:
        f = judge(
            "This notice applies to our website.",
            "This notice applies to our website and our mobile apps.",
        )
        assert (f.severity, f.categories) == (Severity.MAJOR, (Category.SCOPE,))


class TestWordingTheLexiconDidNotKnow:
    def test_fixing_a_typo_in_a_log_field_is_cosmetic(self) -> None:
        f = judge(
            "We do not monitor, record or store your trafic.",
            "We do not monitor, record or store your traffic.",
        )
        assert f.severity is Severity.COSMETIC

    def test_verb_swapped_with_its_negation_on_vpn_traffic_is_critical(self) -> None:
        f = judge(
            "We do not monitor the traffic that passes through our VPN servers.",
            "We may inspect the traffic that passes through our VPN servers to block malware.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert "negation removed: 'do not monitor' -> 'may inspect' (browsing activity)" in (
            f.reasons
        )

    def test_dns_resolver_query_logs_are_dns_queries(self) -> None:
        f = judge(
            "Our DNS resolvers do not keep query logs.",
            "Our DNS resolvers keep query logs for 24 hours.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert any("(DNS queries)" in r for r in f.reasons)

    def test_scanning_messages_once_never_read_is_major(self) -> None:
        f = judge(
            "We never read your e-mail messages.", "We may scan your email messages to filter spam."
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert "negation removed: 'never read' -> 'may scan' (messages)" in f.reasons


class TestRetroactiveTerms:
    def test_changes_applied_to_all_held_data_instead_of_new_data_is_critical(self) -> None:
        f = judge(
            "Any changes will apply only to information collected after the change takes effect.",
            "Any changes will apply to all information we hold about you.",
            heading="Changes to this policy",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert f.reasons[0].startswith(
            "retroactive terms allowed: 'only to information collected after' -> 'will apply'"
        )

    def test_deleting_the_earlier_version_still_governs_promise_is_critical(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "Data collected under an earlier version of this policy will continue to be "
                "governed by that version.",
                "",
                heading="Changes to this policy",
            )
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert f.categories == (Category.POLICY_CHANGES,)

    def test_a_copy_of_all_data_we_hold_is_not_about_retroactive_terms(self) -> None:
        f = judge(
            "You can request a copy of all information we hold about you.",
            "You can request a copy of the information we hold about you.",
        )
        assert Category.POLICY_CHANGES not in f.categories


class TestConditionsAndStandards:
    def test_subpoena_accepted_where_only_a_warrant_was_is_critical(self) -> None:
        f = judge(
            "We require a search warrant before we disclose the content of your communications.",
            "We require a subpoena or search warrant before we disclose the content of your "
            "communications.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert "legal standard lowered: 'search warrant' -> 'subpoena'" in f.reasons

    def test_court_order_instead_of_subpoena_strengthens(self) -> None:
        f = judge(
            "We disclose account data to police only in response to a subpoena.",
            "We disclose account data to police only in response to a court order.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.STRENGTHENS)

    def test_breach_notice_only_where_the_law_requires_weakens(self) -> None:
        f = judge(
            "We will notify affected users of a data breach by email.",
            "We will notify affected users of a data breach where the law requires us to.",
            heading="Security incidents",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert "condition added: 'notify' only where the law requires" in f.reasons

    def test_consent_implied_by_browsing_instead_of_asked_weakens(self) -> None:
        f = judge(
            "Non-essential cookies are set only after you give your consent.",
            "Non-essential cookies are set when you continue to browse the site.",
            heading="Cookies",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert f.reasons == ("consent: opt-in -> implied by use",)

    def test_optional_two_factor_made_mandatory_strengthens(self) -> None:
        f = judge(
            "Two-factor authentication is available for all accounts.",
            "Two-factor authentication is required for all accounts.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.STRENGTHENS)
        assert f.categories == (Category.SECURITY,)


class TestRightsAndAges:
    def test_deleting_the_download_your_data_sentence_removes_a_right(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "You can download a copy of all your data at any time from your account page.",
                "",
                heading="Your rights",
            )
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert "right removed: portability" in f.reasons

    def test_customer_audit_right_replaced_by_a_report_weakens(self) -> None:
        f = judge(
            "Customer may audit Provider's compliance with this DPA once a year.",
            "Provider will make its latest SOC 2 report available to Customer on request.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert "right removed: audit" in f.reasons

    def test_lower_age_for_anyone_under_is_an_age_threshold_change(self) -> None:
        f = judge(
            "Our Services are not intended for anyone under 16.",
            "Our Services are not intended for anyone under 13.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert f.reasons == ("age threshold: 16 -> 13",)


class TestForumAndTransfers:
    def test_courts_replaced_by_binding_arbitration_weakens(self) -> None:
        f = judge(
            "You may bring any claim against us in the courts of the country where you live.",
            "All claims must be resolved by individual binding arbitration, and you waive any "
            "right to take part in a class action.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert "disputes: courts -> binding arbitration" in f.reasons
        assert Category.JURISDICTION in f.categories

    def test_sccs_swapped_for_a_framework_is_major_and_unclear(self) -> None:
        f = judge(
            "Transfers to the United States are made under the Standard Contractual Clauses.",
            "Transfers to the United States are made under the EU-U.S. Data Privacy Framework.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.UNCLEAR)
        assert f.categories == (Category.JURISDICTION,)

    def test_a_second_transfer_mechanism_alongside_the_first_is_minor(self) -> None:
        f = judge(
            "Transfers to the United States are made under the Standard Contractual Clauses.",
            "Transfers to the United States are made under the Standard Contractual Clauses or "
            "the EU-U.S. Data Privacy Framework.",
        )
        assert (f.severity, f.direction) == (Severity.MINOR, Direction.NEUTRAL)


class TestControllerAndSources:
    def test_a_new_controller_company_is_major(self) -> None:
        f = judge(
            "The data controller is Zephyr Networks Ltd., registered in Ireland.",
            "The data controller is Zephyr Holdings Inc., registered in Ireland.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.NEUTRAL)
        assert f.reasons == ("controller: Zephyr Networks Ltd -> Zephyr Holdings Inc",)

    def test_the_controller_written_with_other_punctuation_is_not_a_change(self) -> None:
        f = judge(
            "The data controller is Zephyr Networks Ltd., registered in Ireland.",
            "The data controller is Zephyr Networks Ltd, registered in Ireland.",
        )
        assert not f.material

    def test_a_company_after_from_attacks_and_is_a_recipient_not_a_source(self) -> None:
        f = judge(
            "We use Cloudflare to protect our website from attacks.",
            "We use Cloudflare to protect our website from attacks and Hotjar to record how "
            "visitors use our pages.",
        )
        assert f.severity is Severity.MAJOR
        assert any("Hotjar" in r for r in f.reasons)


class TestNamesMethodsAndWindows:
    def test_a_processor_named_inside_its_disclosed_class_is_minor(self) -> None:
        f = judge(
            "We use a third-party email delivery provider to send transactional messages.",
            "We use a third-party email delivery provider, currently Postmark, to send "
            "transactional messages.",
        )
        assert (f.severity, f.direction) == (Severity.MINOR, Direction.NEUTRAL)
        assert f.reasons == ("recipient named: none -> Postmark",)

    def test_cipher_mode_change_is_a_minor_security_change(self) -> None:
        f = judge(
            "VPN traffic is encrypted with AES-256-CBC.",
            "VPN traffic is encrypted with AES-256-GCM.",
        )
        assert f.severity is Severity.MINOR
        assert f.categories == (Category.SECURITY,)

    def test_2fa_spelled_out_and_abbreviated_is_the_same_method(self) -> None:
        f = judge(
            "We offer two-factor authentication for all accounts.",
            "We offer two-factor authentication (2FA) for every account.",
        )
        assert f.severity is Severity.COSMETIC

    def test_a_shorter_window_to_object_weakens_and_is_not_retention(self) -> None:
        f = judge(
            "Customer may object to a new subprocessor within 30 days of being notified.",
            "Customer may object to a new subprocessor within 10 days of being notified.",
        )
        assert (f.severity, f.direction) == (Severity.MINOR, Direction.WEAKENS)
        assert f.reasons == ("window to act: 30 days -> 10 days",)
        assert Category.RETENTION not in f.categories


class TestParaphrasesStayCosmetic:
    @pytest.mark.parametrize(
        ("old", "new"),
        [
            (
                "If we become aware of a breach of your personal data, we will notify you within "
                "72 hours.",
                "We will let you know within seventy-two hours of becoming aware of any breach of "
                "your personal data.",
            ),
            (
                "Our service is not intended for anyone under the age of sixteen (16).",
                "Our service is not intended for people younger than 16.",
            ),
            (
                "Tidewire does not store connection timestamps, your real IP address, or the IP "
                "address assigned to you by our servers.",
                "Tidewire stores neither connection timestamps, nor your real IP address, nor the "
                "IP address our servers assign to you.",
            ),
            (
                "We keep invoices for the period required by the accounting laws of Estonia.",
                "Invoices are retained for as long as Estonian accounting law requires.",
            ),
            (
                "Stridely uses your height and weight to calculate the calories you burn during a "
                "workout and for no other reason.",
                "Stridely uses your height and weight only to work out how many calories you burn "
                "while exercising.",
            ),
            (
                "Nothing in this policy limits any rights you have under applicable data "
                "protection law.",
                "Your rights under applicable data protection law are not limited by anything in "
                "this policy.",
            ),
            (
                "This policy does not apply to websites run by our customers that embed the "
                "Metricula script.",
                "Customers who embed the Metricula script on their websites are responsible for "
                "them; this policy does not cover those websites.",
            ),
            (
                "Except as described in this policy, we don't give your information to anyone.",
                "Except as described in this policy, we do not hand your information to anyone.",
            ),
        ],
    )
    def test_same_practice_in_other_words_is_not_material(self, old: str, new: str) -> None:
        f = judge(old, new)
        assert not f.material, f.reasons


class TestRecipientsAndFieldsTheLexiconNowKnows:
    def test_sharing_with_the_manufacturer_as_well_as_the_courier_is_a_new_class(self) -> None:
        f = judge(
            "We share your order details with the courier that delivers your parcel.",
            "We share your order details with the courier that delivers your parcel and with the "
            "manufacturer of the product, which handles warranty claims.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert any("manufacturers" in r for r in f.reasons)

    def test_connect_times_described_in_words_now_kept_is_critical(self) -> None:
        f = judge(
            "Tidewire VPN does not keep any record of the time at which you connect to our "
            "servers, nor of the server location you selected.",
            "Tidewire VPN keeps a record of the time at which you connect to our servers, but not "
            "of the server location you selected.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert Category.VPN_LOGGING in f.categories

    def test_uploading_the_address_book_it_never_uploaded_is_major(self) -> None:
        f = judge(
            "Chatterloom compares your address book with our user list on your phone and never "
            "uploads it.",
            "Chatterloom uploads your address book to our servers to find friends.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)


class TestPromisesAndBasesFromHoldout6:
    def test_deleting_a_no_sale_promise_on_unnamed_data_is_critical(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "Metricula will never sell the metrics it collects from your visitors.",
                "",
            )
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)
        assert "promise deleted: 'never sell'" in f.reasons

    def test_deleting_an_inactive_account_deletion_promise_weakens(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "We delete inactive free accounts after 12 months without a sign-in.",
                "",
            )
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert "promise deleted: 'delete'" in f.reasons

    def test_consent_replaced_by_legitimate_interest_weakens(self) -> None:
        f = judge(
            "We use your workout history to send you training tips, but only with your consent.",
            "We use your workout history to send you training tips where we have a legitimate "
            "interest in doing so.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert f.reasons == ("consent: opt-in -> legitimate interest",)

    def test_switched_off_unless_turned_on_is_opt_in(self) -> None:
        f = judge(
            "Personalised recommendations are switched on by default; you can turn them off in "
            "your account settings.",
            "Personalised recommendations stay switched off unless you turn them on in your "
            "account settings.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.STRENGTHENS)

    def test_client_side_encryption_moved_to_provider_held_keys_weakens(self) -> None:
        f = judge(
            "Files are encrypted on your device before upload, and we never hold the keys.",
            "Files are encrypted on our servers using keys that we manage.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert f.reasons[0] == (
            "weaker encryption: zero-knowledge encryption -> server-side encryption"
        )

    def test_notice_by_banner_instead_of_email_weakens(self) -> None:
        f = judge(
            "We will notify you of material changes by email.",
            "We will notify you of material changes by displaying a banner on our website.",
            heading="Changes to this policy",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)

    def test_pseudonymised_data_carved_out_of_personal_data_is_major(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.ADDED,
                "",
                "Pseudonymised data, such as hashed email addresses, is not treated as personal "
                "information under this policy.",
            )
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert f.reasons == ("new definition: pseudonymised data is not personal data",)

    def test_typos_fixed_around_an_encryption_promise_are_cosmetic(self) -> None:
        f = judge(
            "Your vault is encrpyted with AES-256 before it leaves you device.",
            "Your vault is encrypted with AES-256 before it leaves your device.",
        )
        assert f.severity is Severity.COSMETIC

    def test_not_to_now_is_never_read_as_a_typo(self) -> None:
        f = judge(
            "We do not share your email address with advertisers.",
            "We do now share your email address with advertisers.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)


def test_a_reordered_sentence_whose_reference_names_the_same_data_is_cosmetic() -> None:
    f = judge(
        "We have no way of knowing which websites you visited while connected, because we never "
        "record that information.",
        "Since we never record which websites you visit while connected, we have no way of "
        "knowing them.",
    )
    assert not f.material, f.reasons


def test_every_verb_and_term_pattern_can_be_found_from_its_first_letters() -> None:
    """A pattern that may start with any word ("(?:\\w+ )?contractors") is tried whole on every
    clause; keeping every lexicon pattern indexable keeps sentence reading one walk."""
    from watcher.classify import practice

    assert not practice._STARTS._always


class TestNegationsThatDenyNothing:
    def test_a_do_not_sell_button_name_does_not_negate_the_opt_out_right(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "You can opt out of the sale of your personal information at any time by clicking "
                "'Do Not Sell My Info' at the bottom of any page.",
                "",
            )
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert "right removed: opt-out" in f.reasons

    def test_a_breach_deadline_replaced_by_without_undue_delay_weakens(self) -> None:
        f = judge(
            "Provider will notify Customer of a Personal Data Breach within 48 hours.",
            "Provider will notify Customer of a Personal Data Breach without undue delay.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert f.reasons == ("breach notice delay: 48 hours -> without undue delay",)

    def test_approximate_location_made_precise_weakens(self) -> None:
        f = judge(
            "We collect your approximate location to show local offers.",
            "We collect your precise location to show local offers.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert f.reasons == ("finer data: location -> precise location",)


class TestStampsAndMentions:
    def test_version_and_effective_date_line_is_no_change(self) -> None:
        f = judge(
            "Policy version 3.2 (effective 1 May 2023)",
            "Policy version 4.0 (effective 2 January 2025)",
        )
        assert f.severity is Severity.NONE

    def test_24_7_and_around_the_clock_are_the_same(self) -> None:
        f = judge(
            "Our data centres are protected by 24/7 security staff and CCTV.",
            "Our data centres are protected around the clock by security staff and CCTV.",
        )
        assert f.severity is Severity.COSMETIC

    def test_law_enforcement_reworded_as_who_asks_is_not_a_recipient_change(self) -> None:
        f = judge(
            "Government requests for data are reviewed by our legal team.",
            "Our legal team reviews every request for data that we receive from a government.",
        )
        assert not f.material, f.reasons


class TestParaphrasesFromHoldout7:
    @pytest.mark.parametrize(
        ("old", "new"),
        [
            (
                "By using the Service, you agree to the collection and use of information in "
                "accordance with this policy.",
                "You agree that we may collect and use information as set out in this policy when "
                "you use the Service.",
            ),
            (
                "Youcan withdraw your consent at any time.",
                "You can withdraw your consent at any time.",
            ),
            (
                "You are entitled to rectify inaccurate personal data.",
                "You have the right to have inaccurate personal data corrected.",
            ),
            (
                "Our servers don't write anything to disk; they boot from a read-only image and "
                "run from RAM.",
                "Nothing is written to disk by our servers, which start from a read-only image and "
                "operate entirely in memory.",
            ),
            (
                "No one at Keyloft can read the contents of your vault.",
                "The contents of your vault cannot be read by anyone at Keyloft.",
            ),
            (
                "We review every request from a public authority and push back on any request "
                "that is not supported by the law.",
                "Each request from a public authority is reviewed, and we resist requests that "
                "lack a legal basis.",
            ),
            (
                "Your payment card details are tokenised by our payment processor and are never "
                "stored on our servers.",
                "Our payment processor tokenises your card details, and we never store them on our "
                "servers.",
            ),
            (
                "Your payment card details are processed by our payment provider and are never "
                "stored by Basketmoor.",
                "Our payment provider processes your payment card details; Basketmoor never stores "
                "them.",
            ),
        ],
    )
    def test_same_practice_in_other_words_is_not_material(self, old: str, new: str) -> None:
        f = judge(old, new)
        assert not f.material, f.reasons


class TestPracticesFromHoldout7:
    @pytest.mark.parametrize(
        ("old", "new", "severity", "direction"),
        [
            (  # a legal basis that asks no one
                "We process assignment data to generate recommendations only with the consent of "
                "the student's school.",
                "We process assignment data to generate recommendations on the basis of our "
                "legitimate interest in improving the platform.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (  # a processor swapped, named after "delivered through"
                "Outgoing newsletters are delivered through Mailgun.",
                "Outgoing newsletters are delivered through Postmark.",
                Severity.MINOR,
                Direction.NEUTRAL,
            ),
            (  # a second company in a list of examples
                "We use credit reference agencies, such as Experian, to check your identity.",
                "We use credit reference agencies, such as Experian and Equifax, to check your "
                "identity.",
                Severity.MINOR,
                Direction.NEUTRAL,
            ),
            (  # a qualifier dropped and "all" in its place
                "If you link a company profile, we share the trips you mark as business trips "
                "with your employer.",
                "If you link a company profile, we share all of your trips with your employer.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (  # kept until logout, then for 90 days after it
                "Session data is kept until you log out.",
                "Session data is kept for 90 days after you log out.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (  # "save where": an exception to a right
                "You can delete your recordings at any time.",
                "You can delete your recordings at any time, save where we need to keep them to "
                "investigate a security incident.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (  # "two further months"
                "We will answer your request within one month.",
                "We will answer your request within one month; where requests are complex we may "
                "extend this by two further months.",
                Severity.MINOR,
                Direction.WEAKENS,
            ),
            (  # a data type the thermostat now sends
                "Hearthly thermostats report temperature and your heating schedule to our servers.",
                "Hearthly thermostats report temperature, your heating schedule and whether anyone "
                "is moving in the room to our servers.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
        ],
    )
    def test_holdout7_practices(
        self, old: str, new: str, severity: Severity, direction: Direction
    ) -> None:
        f = judge(old, new)
        assert (f.severity, f.direction) == (severity, direction), f.reasons

    def test_deleting_a_promise_not_to_report_the_domains_you_reach_is_critical(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "Our apps never report to us which applications or domains you reach through the "
                "tunnel.",
                "",
                heading="Connection data",
            )
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS)

    def test_a_right_to_human_review_added_strengthens(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.ADDED,
                "",
                "You can ask a human to review any decision to ban your account that was made "
                "automatically.",
            )
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.STRENGTHENS)
        assert "new right: human review" in f.reasons


class TestRegistersFromHoldout8:
    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("Policy revision 14 (March 2024)", "Policy revision 15 (November 2024)"),
            (
                "Swoonly keeps reports of abusive behaviour for 18 months.",
                "Swoonly keeps reports of abusive behaviour for a year and a half.",
            ),
            (
                "We donot use your email address foradvertising.",
                "We do not use your email address for advertising.",
            ),
            (
                "Kindred Sparks is only available to adults aged eighteen (18) years or older.",
                "You must be at least 18 to use Kindred Sparks.",
            ),
            (
                "Should we make any material amendment to this Policy, we will notify you by "
                "e-mail no fewer than thirty (30) days before the amendment takes effect.",
                "If we make a material change to this Policy, we'll email you at least 30 days "
                "before it comes into force.",
            ),
            (
                "The Company shall not, save as required by applicable law, disclose any Personal "
                "Data to any third party for that third party's own direct marketing.",
                "We won't give your personal data to other companies for their own direct "
                "marketing, unless the law requires us to.",
            ),
            (
                "Data subjects are entitled to obtain from the Controller confirmation as to "
                "whether or not Personal Data concerning them are being processed, and access to "
                "such Personal Data.",
                "You can ask us whether we process personal data about you and, if we do, get a "
                "copy of it.",
            ),
            (
                "Cookies",
                "Cookies and Similar Technologies",
            ),
            (
                "We use your location to show stores near you and we discard it as soon as you "
                "close the app.",
                "We use your location to show stores near you. We discard it as soon as you close "
                "the app.",
            ),
        ],
    )
    def test_legalese_and_plain_language_with_the_same_practice_are_not_material(
        self, old: str, new: str
    ) -> None:
        f = judge(old, new)
        assert not f.material, f.reasons

    @pytest.mark.parametrize(
        ("old", "new", "severity", "direction"),
        [
            (
                "Under no circumstances do we record the IP address from which you connect, the "
                "times at which your sessions begin and end, or the domains you resolve.",
                "Under no circumstances do we record the IP address from which you connect or "
                "the domains you resolve.",
                Severity.CRITICAL,
                Direction.WEAKENS,
            ),
            (
                "Emberfall Online is not intended for players under 16.",
                "Emberfall Online is not intended for players under 13.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                "We will notify you by email of any change to this Policy.",
                "We will notify you by email of any material change to this Policy.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                "Pulsewise collects your step count, heart rate and sleep duration.",
                "Pulsewise collects your step count, heart rate, sleep duration and menstrual "
                "cycle data.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                "Trip histories are stored for 90 days.",
                "Trip histories are stored for 90 days, or for longer if you have enrolled in "
                "Drive Rewards.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                "We remove location metadata from photos when you upload them.",
                "We keep location metadata in the photos you upload and show it to others.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                "We delete your journal entries 30 days after you close your account.",
                "We delete your journal entries within a reasonable period after you close your "
                "account.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
        ],
    )
    def test_holdout8_practices(
        self, old: str, new: str, severity: Severity, direction: Direction
    ) -> None:
        f = judge(old, new)
        assert (f.severity, f.direction) == (severity, direction), f.reasons


class TestPageShapedHunksFromHoldout9:
    @pytest.mark.parametrize(
        ("hunk", "severity", "direction"),
        [
            (
                Hunk(
                    HunkKind.REMOVED,
                    "• Connection timestamps",
                    "",
                    heading="Information we never record",
                ),
                Severity.CRITICAL,
                Direction.WEAKENS,
            ),
            (
                Hunk(
                    HunkKind.ADDED,
                    "",
                    "• The date and time of your most recent VPN connection",
                    heading="Information we keep",
                ),
                Severity.CRITICAL,
                Direction.WEAKENS,
            ),
            (
                Hunk(
                    HunkKind.MODIFIED,
                    "To help you find friends, Chirrup compares the phone numbers in your address "
                    "book with those of registered users. The comparison uses truncated hashes, "
                    "and we do not store your address book on our servers.",
                    "To help you find friends, Chirrup compares the phone numbers in your address "
                    "book with those of registered users. The comparison uses truncated hashes.",
                ),
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                Hunk(
                    HunkKind.MODIFIED,
                    "We use your voice recordings to respond to your requests.",
                    "We use your voice recordings to respond to your requests and to train our "
                    "speech recognition models.",
                ),
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                Hunk(
                    HunkKind.MODIFIED,
                    "Changes take effect as soon as they are posted on this page.",
                    "Changes take effect 30 days after we have notified you by email.",
                    heading="Changes",
                ),
                Severity.MAJOR,
                Direction.STRENGTHENS,
            ),
            (
                Hunk(
                    HunkKind.MODIFIED,
                    "Voice recordings | Until you delete them",
                    "Voice recordings | Until you delete them, or 18 months, whichever is sooner",
                ),
                Severity.MAJOR,
                Direction.STRENGTHENS,
            ),
        ],
    )
    def test_page_shaped_changes(
        self, hunk: Hunk, severity: Severity, direction: Direction
    ) -> None:
        f = classify_hunk(hunk)
        assert (f.severity, f.direction) == (severity, direction), f.reasons

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("Read our Cookie Policy", "Cookie Policy"),
            ("Click here to read our Cookie Notice.", "Read our Cookie Notice"),
            (
                "Quillmail is provided by Quillmail AG, Bahnhofstrasse 5, 8001 Zürich.",
                "Quillmail is provided by Quillmail AG, Bahnhofstrasse 5, 8001 Zurich.",
            ),
            (
                "If we receive a legal request, we check that it is valid and we then notify you "
                "unless a court has prohibited it.",
                "If we receive a legal request, we check that it is valid. We then notify you "
                "unless a court has prohibited it.",
            ),
        ],
    )
    def test_page_shaped_rewordings_are_not_material(self, old: str, new: str) -> None:
        f = judge(old, new)
        assert not f.material, f.reasons


class TestNewKindsOfDataAndPurposeFromHoldout10:
    @pytest.mark.parametrize(
        ("old", "new", "severity", "direction"),
        [
            (  # "only" dropped and a purpose appended
                "Event data is processed solely to sync and display your calendar.",
                "Event data is processed to sync and display your calendar and to build insights "
                "about how you spend your time.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (  # "only" dropped and a party added
                "Only the clinicians involved in your care can access your medical record.",
                "The clinicians involved in your care and our quality assurance team can access "
                "your medical record.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                "Porchlight records video when motion is detected at your door.",
                "Porchlight records video and audio when motion is detected at your door.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                "We do not create face templates of people who come to your door.",
                "We do not currently create face templates of people who come to your door.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                "Hireloom grants the rights described in this section to all users, wherever they "
                "live.",
                "Hireloom grants the rights described in this section to users in the European "
                "Economic Area and the United Kingdom.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                "Connection logs are kept in memory and discarded when your session ends.",
                "Connection logs are kept in memory and written to disk when your session ends, "
                "then deleted after 30 days.",
                Severity.CRITICAL,
                Direction.WEAKENS,
            ),
            (
                "Operator | Halyard Networks S.A. | Panama",
                "Operator | Halyard Networks S.A. | Seychelles",
                Severity.MAJOR,
                Direction.NEUTRAL,
            ),
        ],
    )
    def test_holdout10_practices(
        self, old: str, new: str, severity: Severity, direction: Direction
    ) -> None:
        f = judge(old, new)
        assert (f.severity, f.direction) == (severity, direction), f.reasons

    def test_a_list_item_under_a_collects_heading_gaining_a_data_type_is_major(self) -> None:
        f = judge(
            "- Words you add to your personal dictionary",
            "- Words you add to your personal dictionary and text you copy to the clipboard",
            heading="What the keyboard collects",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS)
        assert f.categories == (Category.COLLECTION,)

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("Policy ID: HL-PP-2023-07", "Policy ID: HL-PP-2024-02"),
            (
                "This policy takes effect on 01/02/2024 and replaces all earlier versions.",
                "This policy takes effect on 01/10/2024 and replaces all earlier versions.",
            ),
        ],
    )
    def test_policy_stamps_are_no_change(self, old: str, new: str) -> None:
        assert judge(old, new).severity is Severity.NONE


class TestRightsListsAndStampsFromHoldout11:
    @pytest.mark.parametrize(
        ("hunk", "severity", "direction"),
        [
            (
                Hunk(
                    HunkKind.REMOVED,
                    "- Automated decisions: ask for a person to review any decision made about "
                    "you solely by automated means",
                    "",
                    heading="Your rights",
                ),
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                Hunk(
                    HunkKind.ADDED,
                    "",
                    "- Portability: download your session history and journal entries as a CSV "
                    "file",
                    heading="Your rights",
                ),
                Severity.MAJOR,
                Direction.STRENGTHENS,
            ),
            (
                Hunk(
                    HunkKind.MODIFIED,
                    "- Opt out of the sale of your personal information: all readers",
                    "- Opt out of the sale of your personal information: California residents only",
                    heading="Your choices",
                ),
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                Hunk(
                    HunkKind.MODIFIED,
                    "We count the bandwidth each server uses. These counts are not linked to any "
                    "account.",
                    "We count the bandwidth each server uses. These counts are linked to your "
                    "account so that we can enforce fair-use limits.",
                ),
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                Hunk(
                    HunkKind.MODIFIED,
                    "| Inactive accounts | Deleted after 24 months without a login |",
                    "| Inactive accounts | Deleted after a reasonable period without a login |",
                ),
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
        ],
    )
    def test_holdout11_changes(self, hunk: Hunk, severity: Severity, direction: Direction) -> None:
        f = classify_hunk(hunk)
        assert (f.severity, f.direction) == (severity, direction), f.reasons

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            (
                "We have never handed over user data to any government agency.",
                "No government agency has ever received user data from us.",
            ),
            (
                "This policy does not apply to restaurants' own websites.",
                "Restaurants' own websites are not covered by this policy.",
            ),
            (
                "You have the right to ask us to correct personal data that is inaccurate.",
                "If any of your personal data is wrong, you can ask us to put it right.",
            ),
        ],
    )
    def test_holdout11_paraphrases_are_not_material(self, old: str, new: str) -> None:
        f = judge(old, new)
        assert not f.material, f.reasons


class TestFromHoldout12:
    @pytest.mark.parametrize(
        ("old", "new", "severity", "direction"),
        [
            (
                "Images are processed inside the car and are not sent to Veltra.",
                "Images are processed inside the car and are not currently sent to Veltra.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
            (
                "We do not knowingly collect information from children under 13.",
                "We do not knowingly collect information from children aged 13 or younger.",
                Severity.MAJOR,
                Direction.STRENGTHENS,
            ),
            (
                "Identity checks are performed by our verification provider, Veriff.",
                "Identity checks are performed by our verification provider, Onfido.",
                Severity.MINOR,
                Direction.NEUTRAL,
            ),
            (
                "'Personal data' means information about a player, including online identifiers "
                "such as IP addresses and device IDs.",
                "'Personal data' means information about a player; IP addresses and device IDs "
                "are technical data and are not personal data.",
                Severity.MAJOR,
                Direction.WEAKENS,
            ),
        ],
    )
    def test_holdout12_changes(
        self, old: str, new: str, severity: Severity, direction: Direction
    ) -> None:
        f = judge(old, new)
        assert (f.severity, f.direction) == (severity, direction), f.reasons

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            (
                "No one at Quillmail can read your messages.",
                "Quillmail staff are unable to read your messages.",
            ),
            (
                "Your messages are encrypted with a key derived from your password, so our staff "
                "cannot read them.",
                "Your messages are encrypted using a key derived from your password, which means "
                "our staff are unable to read them.",
            ),
            (
                "Brightwire resolvers do not write the queries they answer to disk.",
                "The queries our resolvers answer are not written to disk.",
            ),
            (
                "Total data transferred per month, in gigabytes",
                "Total amount of data transferred each month (in GB)",
            ),
        ],
    )
    def test_holdout12_paraphrases_are_not_material(self, old: str, new: str) -> None:
        f = judge(old, new)
        assert not f.material, f.reasons


class TestPeriodsAndSafeguardsInHostingTerms:
    """Behaviour found measuring holdout13 and holdout14 (hosting terms, consumer apps)."""

    def test_shorter_notice_before_a_new_subprocessor_weakens(self) -> None:
        f = judge(
            "We will give you at least 45 days' notice before we engage a new sub-processor.",
            "We will give you at least 7 days' notice before we engage a new sub-processor.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS), f.reasons
        assert Category.POLICY_CHANGES in f.categories and Category.RETENTION not in f.categories

    def test_faster_notice_of_a_security_incident_strengthens_security(self) -> None:
        f = judge(
            "We will tell affected users about a security incident within 5 days.",
            "We will tell affected users about a security incident within 48 hours.",
        )
        assert f.direction is Direction.STRENGTHENS, f.reasons
        assert f.categories == (Category.SECURITY,)

    def test_a_sentence_split_that_keeps_every_period_is_cosmetic(self) -> None:
        f = judge(
            "Backups are kept for 14 days, after which they are erased from all our disks.",
            "Backups are kept for 14 days. After that, they are erased from all our disks.",
        )
        assert not f.material, f.reasons

    def test_a_split_that_moves_all_into_the_next_sentence_narrows_nothing(self) -> None:
        f = judge(
            "We count requests per region to plan capacity; all of these counts are anonymous.",
            "We count requests per region to plan capacity. All of these counts are anonymous.",
        )
        assert not f.material, f.reasons

    def test_a_removed_complaint_right_for_users_in_a_region_is_not_a_jurisdiction_change(
        self,
    ) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "If you live in the EEA, you may also lodge a complaint with your regulator.",
                "",
            )
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS), f.reasons
        assert Category.JURISDICTION not in f.categories

    def test_deleting_a_hedged_promise_to_challenge_requests_weakens(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "Where necessary, we will contest a government demand for user data in court.",
                "",
            )
        )
        assert f.direction is Direction.WEAKENS, f.reasons

    def test_held_only_until_delivery_is_the_same_limit_as_only_while_waiting(self) -> None:
        f = judge(
            "We only keep a queued email while it waits to be delivered.",
            "A queued email is kept only until it is delivered.",
        )
        assert not f.material, f.reasons

    def test_but_nothing_else_and_and_for_nothing_else_are_the_same_limit(self) -> None:
        f = judge(
            "We use your phone number to send login codes but nothing else.",
            "We use your phone number to send login codes, and for nothing else.",
        )
        assert not f.material, f.reasons

    def test_a_material_change_reworded_keeps_the_same_notice_terms(self) -> None:
        f = judge(
            "If we make material changes to this policy, we will email you 30 days before.",
            "Where a change to this policy is material, you will get an email 30 days before.",
            "Changes to this policy",
        )
        assert not f.material, f.reasons

    def test_scope_that_says_every_instead_of_all_is_cosmetic(self) -> None:
        f = judge(
            "This policy applies to all Lumo products, including our apps and website.",
            "This policy covers every Lumo product: our apps and our website.",
        )
        assert not f.material, f.reasons

    def test_a_payment_processor_swapped_by_name_is_minor(self) -> None:
        f = judge(
            "Card payments are processed by Lindqvist Pay, which receives your card number.",
            "Card payments are processed by Orchard Payments, which receives your card number.",
        )
        assert (f.severity, f.direction) == (Severity.MINOR, Direction.NEUTRAL), f.reasons

    def test_the_company_that_provides_the_service_is_not_a_recipient(self) -> None:
        f = judge(
            "Tallow Mail is provided by Tallow Oy, a company registered in Finland.",
            "Tallow Mail is provided by Tallow Inc., a company registered in the United States.",
        )
        assert Category.SHARING not in f.categories, f.reasons

    def test_not_passing_and_not_sending_search_terms_to_a_site_are_the_same_promise(
        self,
    ) -> None:
        f = judge(
            "When you open a result, we do not pass your search terms to the website you visit.",
            "Opening a result does not send your search terms to the site you land on.",
        )
        assert not f.material, f.reasons

    def test_queries_you_send_are_not_something_we_send_on(self) -> None:
        f = judge(
            "We never store the queries you send.",
            "The queries you send are never stored.",
        )
        assert not f.material and Category.SHARING not in f.categories, f.reasons

    def test_staff_who_may_now_view_stored_content_without_asking_weakens(self) -> None:
        f = judge(
            "Our engineers cannot view the contents of your servers or buckets.",
            "Our engineers may view the contents of your servers or buckets when a ticket needs "
            "it, without asking for your permission.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS), f.reasons
        assert Category.COLLECTION in f.categories

    def test_a_change_that_applies_only_to_data_collected_afterwards_is_a_protection(
        self,
    ) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "If we change this policy, the change will only apply to data collected after "
                "it takes effect.",
                "",
            )
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS), f.reasons

    def test_revised_terms_governing_data_stored_before_them_is_critical(self) -> None:
        f = judge(
            "If you reject revised Terms, the previous version will continue to govern the data "
            "you already stored with us.",
            "If you reject revised Terms, you may close your account; the revised version governs "
            "all data in your account, including data stored before that date.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS), f.reasons

    def test_a_new_promise_to_tell_that_user_of_a_request_strengthens(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.ADDED,
                "",
                "If police ask for data about a user, we will tell that user before we respond.",
            )
        )
        assert f.direction is Direction.STRENGTHENS, f.reasons
        assert Category.GOVERNMENT_ACCESS in f.categories

    def test_video_uploaded_always_instead_of_on_request_is_material(self) -> None:
        f = judge(
            "Video is uploaded to our cloud only when you save a clip.",
            "Our doorbells upload video to our cloud all the time.",
        )
        assert f.material and f.direction is Direction.WEAKENS, f.reasons

    def test_pushing_back_on_requests_said_either_way_is_the_same_promise(self) -> None:
        f = judge(
            "We review each government request and push back on those that are too broad.",
            "Each request from a government is reviewed, and we push back when it is too broad.",
        )
        assert not f.material, f.reasons

    def test_notice_of_significant_changes_said_two_ways_is_cosmetic(self) -> None:
        f = judge(
            "We'll post changes on this page and, if they're significant, we'll let you know by "
            "email.",
            "Changes will be posted on this page. If a change is significant, we will also let "
            "you know by email.",
            "Changes to this policy",
        )
        assert not f.material, f.reasons

    def test_a_personal_data_breach_is_not_personal_data_collected(self) -> None:
        f = judge(
            "If a personal data breach occurs, we will notify you within 72 hours.",
            "We will notify you of a personal data breach within 72 hours.",
        )
        assert not f.material, f.reasons

    def test_a_cookie_table_row_reformatted_is_cosmetic(self) -> None:
        f = judge(
            "Name: _pk_id · Provider: Matomo · Purpose: analytics · Expiry: 13 months",
            "Cookie name: _pk_id | Set by: Matomo | Used for: analytics | Lifetime: 13 months",
            "Cookies we use",
        )
        assert not f.material, f.reasons

    def test_an_archive_period_after_the_user_deletes_an_item_is_longer_retention(self) -> None:
        f = judge(
            "Retention: until you delete the recording.",
            "Retention: until you delete the recording, then 2 years in our archive.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS), f.reasons
        assert Category.RETENTION in f.categories

    def test_new_data_types_in_an_app_store_label_are_collected(self) -> None:
        f = judge(
            "Data Linked to You: Contact Info, Identifiers.",
            "Data Linked to You: Contact Info, Identifiers, Location.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS), f.reasons
        assert Category.COLLECTION in f.categories

    def test_a_verb_dropped_from_a_negated_pair_deletes_that_promise(self) -> None:
        f = judge(
            "In the last 12 months we have not sold or shared personal information.",
            "In the last 12 months we have not sold personal information.",
        )
        assert (f.direction, Category.SHARING in f.categories) == (Direction.WEAKENS, True), (
            f.reasons
        )
        assert f.severity.rank >= Severity.MAJOR.rank

    def test_a_verb_added_to_a_negated_promise_strengthens(self) -> None:
        f = judge(
            "We do not sell your contact list.",
            "We do not sell or share your contact list.",
        )
        assert f.direction is Direction.STRENGTHENS, f.reasons

    def test_data_stored_in_a_security_module_is_not_a_jurisdiction(self) -> None:
        f = judge(
            "Signing keys are stored in a hardware security module and never leave it.",
            "Signing keys are kept in a hardware security module and never leave it.",
        )
        assert Category.JURISDICTION not in f.categories, f.categories

    def test_data_declared_as_used_to_track_you_is_tracking(self) -> None:
        f = judge(
            "Data Used to Track You: None.",
            "Data Used to Track You: Identifiers, Usage Data.",
        )
        assert f.material and Category.TRACKING in f.categories, f

    def test_a_reworded_penetration_test_line_is_about_security(self) -> None:
        f = judge(
            "- Penetration tests by an independent firm once a year",
            "- Yearly penetration tests by an independent firm",
        )
        assert not f.material and Category.SECURITY in f.categories, f

    def test_a_reworded_unsubscribe_line_is_about_user_rights(self) -> None:
        f = judge(
            "You can unsubscribe using the link included in every marketing email.",
            "Every marketing email includes a link you can use to unsubscribe.",
        )
        assert not f.material and Category.USER_RIGHTS in f.categories, f

    def test_more_key_derivation_iterations_strengthen_and_fewer_weaken(self) -> None:
        more = judge(
            "Your password is stretched with PBKDF2 using 100,000 iterations.",
            "Your password is stretched with PBKDF2 using 600,000 iterations.",
        )
        fewer = judge(
            "Your password is stretched with PBKDF2 using 600,000 iterations.",
            "Your password is stretched with PBKDF2 using 100,000 iterations.",
        )
        assert (more.direction, fewer.direction) == (Direction.STRENGTHENS, Direction.WEAKENS)

    def test_contact_details_written_another_way_are_the_same_contact(self) -> None:
        for old, new in (
            ("Email: privacy [at] lumo [dot] com", "Email: privacy@lumo.com"),
            (
                "See www.lumo.at/privacy for details.",
                "For details, see https://www.lumo.at/privacy.",
            ),
            (
                "Manage your choices at my.lumo.com/privacy",
                "Manage your choices at https://my.lumo.com/privacy",
            ),
            (
                "Lumo AG, Baarerstrasse 12, 6300 Zug, Switzerland",
                "Lumo AG, Baarerstrasse 12, CH-6300 Zug",
            ),
        ):
            f = judge(old, new)
            assert not f.material, (old, f.reasons)
            assert Category.CONTACT in f.categories, (old, f.categories)

    def test_a_kill_switch_that_prevents_exposure_protects_like_one_that_stops_it(self) -> None:
        f = judge(
            "If the tunnel drops, the kill switch blocks all traffic so that your real IP "
            "address is not exposed.",
            "Should the tunnel drop, the kill switch stops all traffic, which prevents your real "
            "IP address from being exposed.",
        )
        assert not f.material, f.reasons

    def test_without_a_parent_saying_yes_is_unless_a_parent_agrees(self) -> None:
        f = judge(
            "Kids can't share anything without a parent saying yes.",
            "Children can't share anything unless a parent says yes.",
        )
        assert not f.material, f.reasons

    def test_asking_us_to_delete_is_a_right_however_it_is_worded(self) -> None:
        f = judge(
            "You have the right to request that we delete the data we collected from you.",
            "You may ask us to delete the data we collected from you.",
        )
        assert not f.material, f.reasons

    def test_a_valid_opt_out_of_sale_is_the_same_right_as_a_request_to_opt_out(self) -> None:
        f = judge(
            "We treat Global Privacy Control signals as a valid request to opt out of sale.",
            "We honor Global Privacy Control signals as a valid opt-out of sale.",
        )
        assert not f.material, f.reasons

    def test_how_much_data_you_use_is_the_amount_of_data_you_use(self) -> None:
        f = judge(
            "We record the amount of data you use each month.",
            "We record how much data you use each month.",
        )
        assert not f.material, f.reasons

    def test_a_police_request_now_enough_where_a_court_order_was_needed_is_critical(self) -> None:
        f = judge(
            "We hand over account emails only when served with a binding order from a Swiss court.",
            "We hand over account emails only when served with a binding order from a Swiss court "
            "or a request from a foreign police force.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS), f.reasons

    def test_updated_terms_for_earlier_conversations_drop_the_old_terms_promise(self) -> None:
        f = judge(
            "Chats collected before an update will continue to be handled under the terms in "
            "effect when they were collected.",
            "The updated terms apply to all chats, including those collected before the update.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS), f.reasons

    def test_a_promise_that_drops_an_item_from_its_list_covers_less(self) -> None:
        f = judge(
            "We do not train our models on data from Team and Enterprise workspaces.",
            "We do not train our models on data from Enterprise workspaces.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS), f.reasons

    def test_a_smaller_group_size_for_aggregate_figures_weakens(self) -> None:
        f = judge(
            "Your employer sees only aggregate figures for groups of at least 50 employees.",
            "Your employer sees only aggregate figures for groups of at least 10 employees.",
        )
        assert f.material and f.direction is Direction.WEAKENS, f.reasons

    def test_state_disclosures_that_apply_to_more_states_widen_the_scope(self) -> None:
        f = judge(
            "These additional disclosures apply to residents of California.",
            "These additional disclosures apply to residents of California, Colorado and Utah.",
        )
        assert f.material and Category.SCOPE in f.categories, f.reasons

    def test_deleting_the_promise_not_to_discriminate_weakens_user_rights(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.REMOVED,
                "We will not discriminate against you for exercising your privacy rights.",
                "",
            )
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS), f.reasons
        assert Category.USER_RIGHTS in f.categories

    def test_a_promise_to_publish_the_number_of_requests_is_a_transparency_report(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.ADDED,
                "",
                "We will publish every year the number of government requests we received.",
            )
        )
        assert f.direction is Direction.STRENGTHENS, f.reasons
        assert Category.GOVERNMENT_ACCESS in f.categories

    def test_a_new_right_to_have_an_automated_decision_reviewed_by_staff(self) -> None:
        f = classify_hunk(
            Hunk(
                HunkKind.ADDED,
                "",
                "You can ask us to have any automated decision reviewed by a member of our staff.",
            )
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.STRENGTHENS), f.reasons

    def test_a_controller_sentence_reordered_around_its_registered_office_is_cosmetic(self) -> None:
        f = judge(
            "Lumo Europe GmbH, with its registered office in Munich, is the controller for the EU.",
            "For the EU, the controller is Lumo Europe GmbH, whose registered office is in Munich.",
        )
        assert not f.material, f.reasons

    def test_a_product_renamed_in_the_scope_statement_is_cosmetic(self) -> None:
        f = judge(
            "This Privacy Policy applies to Vidora Plus and the Vidora Plus apps.",
            "This Privacy Policy applies to Vidora (previously Vidora Plus) and the Vidora apps.",
        )
        assert not f.material, f.reasons

    def test_a_right_followed_by_what_it_does_not_affect_is_still_granted(self) -> None:
        f = judge(
            "You can withdraw your consent at any time; doing so will not affect earlier "
            "processing.",
            "You may withdraw consent whenever you like, and this does not affect earlier "
            "processing.",
        )
        assert f.severity.rank < Severity.MAJOR.rank, f.reasons

    def test_a_data_centre_moved_between_cities_in_two_countries_is_a_jurisdiction_change(
        self,
    ) -> None:
        f = judge(
            "Our servers for European users are located in Zurich and Reykjavik.",
            "Our servers for European users are located in Bucharest and Reykjavik.",
        )
        assert f.material and Category.JURISDICTION in f.categories, f.reasons

    def test_a_city_named_inside_the_eu_already_named_is_not_a_new_jurisdiction(self) -> None:
        f = judge(
            "Workout data is stored with our cloud hosting provider in the EU.",
            "Workout data is stored with our cloud hosting provider (Frankfurt region) in the EU.",
        )
        assert Category.JURISDICTION not in f.categories, f.reasons

    def test_a_proxy_that_starts_recording_destination_hostnames_is_critical(self) -> None:
        f = judge(
            "Our proxy routes your requests without recording the destination URLs.",
            "Our proxy routes your requests and records the destination hostnames.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS), f.reasons

    def test_history_kept_as_long_as_the_profile_exists_then_capped_strengthens(self) -> None:
        f = judge(
            "We keep your viewing history for as long as your profile exists.",
            "We keep your viewing history for five years or until you delete the profile, "
            "whichever comes first.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.STRENGTHENS), f.reasons

    def test_a_session_cookie_that_now_lasts_a_year_keeps_data_longer(self) -> None:
        f = judge(
            "sid | Keeps you signed in | Session",
            "sid | Keeps you signed in | 1 year",
            "Cookies we use",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS), f.reasons

    def test_an_address_with_its_abbreviations_spelt_out_is_the_same_address(self) -> None:
        f = judge(
            "Lumo Inc., 88 Harbour St., Ste. 400, Halifax, Canada",
            "Lumo Inc., 88 Harbour Street, Suite 400, Halifax, Canada",
        )
        assert not f.material, f.reasons

    def test_an_email_given_again_after_a_label_is_the_same_contact(self) -> None:
        f = judge(
            "You can contact our Data Protection Officer at dpo@lumo.com.",
            "You can reach our Data Protection Officer by email: dpo@lumo.com",
        )
        assert not f.material, f.reasons

    def test_a_pronoun_after_a_preposition_names_no_object_the_other_side_states(self) -> None:
        f = judge(
            "When someone clicks a link in it, we record the time of the click.",
            "When someone clicks a link in it, we record the time of the click and their "
            "approximate location.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS), f.reasons

    def test_data_moved_from_germany_to_the_united_states_weakens(self) -> None:
        f = judge(
            "Your event data is stored in our data centre in Germany.",
            "Your event data is stored in our data centre in the United States.",
        )
        assert f.direction is Direction.WEAKENS and Category.JURISDICTION in f.categories, f

    def test_data_brought_back_from_china_to_sweden_strengthens(self) -> None:
        f = judge(
            "Your photos are stored on servers in Sweden and China.",
            "Your photos are stored on servers in Sweden.",
        )
        assert f.direction is Direction.STRENGTHENS, f.reasons

    def test_identifiers_taken_out_of_what_personal_information_includes_weaken(self) -> None:
        f = judge(
            '"Personal information" includes device identifiers and IP addresses.',
            '"Personal information" does not include device identifiers or IP addresses.',
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS), f.reasons
        assert Category.SCOPE in f.categories

    def test_nobody_with_an_aside_can_see_is_still_nobody_can_see(self) -> None:
        f = judge(
            "We can't see what's in your vault, and neither can anyone else.",
            "Nobody, including us, can see the contents of your vault.",
        )
        assert not f.material, f.reasons

    def test_a_country_written_as_its_code_in_an_address_is_the_same_address(self) -> None:
        f = judge(
            "Lumo Ltd, 8 Harbour Road, Leith, Edinburgh EH6 6LT, United Kingdom",
            "Lumo Ltd., 8 Harbour Road, Leith, Edinburgh, EH6 6LT, UK",
        )
        assert not f.material, f.reasons

    def test_literal_runs_keep_every_top_level_alternative_of_bounded_groups(self) -> None:
        from watcher.classify.matching import literal_runs

        words = literal_runs(r"\b(?:you may lodge)\b|\b(?:customers have (?:time) to (?:export))\b")
        assert "lodge" in words and "customers" in words, words

    def test_a_session_kill_switch_keeping_the_ip_from_exposure_is_cosmetic(self) -> None:
        f = judge(
            "If the VPN drops, the kill switch blocks all traffic so that your real IP address "
            "is not exposed.",
            "Should the VPN drop, the kill switch stops all traffic, which keeps your real IP "
            "address from being exposed.",
        )
        assert not f.material, f.reasons

    def test_encryption_said_as_a_clause_with_cannot_read_still_states_the_protection(
        self,
    ) -> None:
        f = judge(
            "All encryption happens on your devices. Our servers only store encrypted data "
            "that we cannot read.",
            "Encryption takes place only on your devices, and the data our servers store is "
            "encrypted in a form we cannot read.",
        )
        assert not f.material, f.reasons

    def test_a_customer_who_has_30_days_to_export_may_export_for_30_days(self) -> None:
        f = judge(
            "After the subscription ends, the Customer has 30 days to export its data, after "
            "which we delete it.",
            "Once the subscription ends, the Customer may export its data during a 30-day "
            "period, and we delete the data when that period is over.",
        )
        assert not f.material, f.reasons

    def test_dropping_the_promise_to_tell_a_subscriber_of_a_police_request_is_critical(
        self,
    ) -> None:
        f = judge(
            "If the police ask us about a subscriber, we will tell that subscriber before we "
            "respond.",
            "If the police ask us about a subscriber, we will respond as the law requires.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS), f.reasons

    def test_two_step_verification_made_optional_weakens_security(self) -> None:
        f = judge(
            "Two-step verification is required every time you sign in.",
            "Two-step verification is available when you sign in.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.WEAKENS), f.reasons
        assert Category.SECURITY in f.categories

    def test_resolver_queries_said_bare_that_are_now_written_to_a_log_is_critical(self) -> None:
        f = judge(
            "Our VPN servers run their own DNS resolvers. Queries are answered from memory and "
            "are never written to a log.",
            "Our VPN servers run their own DNS resolvers. Queries are answered from memory and "
            "are written to a log for 24 hours.",
        )
        assert (f.severity, f.direction) == (Severity.CRITICAL, Direction.WEAKENS), f.reasons

    def test_giving_the_seller_your_phone_number_shares_it(self) -> None:
        f = judge(
            "To ship your order, we give the seller your name and delivery address.",
            "To ship your order, we give the seller your name, delivery address and phone number.",
        )
        assert f.material and Category.SHARING in f.categories, f.reasons

    def test_sending_a_query_to_our_index_provider_is_sending_it_on(self) -> None:
        f = judge(
            "To fetch results, we send your search query to our index provider.",
            "To fetch results, we send your search query and your approximate location to our "
            "index provider.",
        )
        assert f.material and Category.SHARING in f.categories, f.reasons

    def test_employees_who_can_now_download_and_correct_their_data_gain_rights(self) -> None:
        f = judge(
            "Employees can view the profile data their employer holds about them.",
            "Employees can view and download the profile data their employer holds about them, "
            "and can ask for it to be corrected.",
        )
        assert (f.severity, f.direction) == (Severity.MAJOR, Direction.STRENGTHENS), f.reasons
        assert Category.USER_RIGHTS in f.categories

    def test_servers_without_hard_disks_said_two_ways_are_the_same_promise(self) -> None:
        f = judge(
            "Every server boots from a read-only image and runs without a hard drive. Because "
            "nothing is written to persistent storage, a reboot wipes all session data.",
            "All our servers start from a read-only image and have no hard disks. Since nothing "
            "is ever saved to permanent storage, restarting a server erases all session data.",
        )
        assert not f.material, f.reasons

    def test_and_no_one_reads_starts_a_statement_of_its_own(self) -> None:
        f = judge(
            "Mail is scanned for malware. This scanning is automated and no human reads your "
            "messages.",
            "We scan mail for malware. The scanning is fully automated; no person reads your "
            "messages.",
        )
        assert not f.material, f.reasons

    def test_logging_in_is_not_logging_data(self) -> None:
        from watcher.classify.sentences import sentence

        s = sentence("Students log in with a class code chosen by their teacher.")
        assert "keep" not in s.practice.verbs, s.practice.verbs
