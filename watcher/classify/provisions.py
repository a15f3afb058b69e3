"""The provision rules: where data is kept (memory or disk), how it is protected, how users
exercise their rights, and what the policy applies to.

Each compares one provision between the old and the new text of a hunk; like the fact rules
(``watcher.classify.facts``) they look at wording the practice rules do not read as claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from watcher.classify import claim as cl
from watcher.classify import weigh as w
from watcher.classify.matching import Gated, gate_words
from watcher.classify.registry import Signal, rule
from watcher.classify.sentences import HunkView, Sentence
from watcher.models import Category, Direction, Severity

C = Category
S = Severity
D = Direction


_VOLATILE = re.compile(
    r"\b(?:(?:only )?in (?:volatile )?(?:memory|ram)(?: only)?|from (?:volatile )?(?:memory|ram)|"
    r"ram[- ]only|diskless|volatile memory|"
    r"(?:never|not|nothing is(?: ever)?|n't) (?:ever )?(?:written|stored|saved|kept|write|store|"
    r"save|keep)s? (?:[\w']+ ){0,5}?(?:to|on) (?:a |the |any )?(?:disk|hard (?:drive|disk)s?|"
    r"persistent storage|permanent storage))\b|"
    # "runs without a hard drive", "have no hard disks": nothing to write to
    r"\b(?:without (?:a |any )?|no )(?:hard (?:drive|disk)s?|disks?)\b"
)
_VPN_WORDS = re.compile(r"\b(?:vpn|connections?|sessions?|servers?|dns|traffic|tunnel)\b")
_VOLATILE_GATE = gate_words(_VOLATILE)  # one of them is in every match: tested first


def _volatile(text: str) -> bool:
    return any(map(text.__contains__, _VOLATILE_GATE)) and _VOLATILE.search(text) is not None


@rule("storage-medium")
def storage_medium(view: HunkView) -> Iterator[Signal]:
    """Data held only in memory (RAM, never written to disk) is now stored, or the reverse."""
    if view.moved:
        return
    old = [s for s in view.changed_old() if _volatile(s.text)]
    new = [s for s in view.changed_new() if _volatile(s.text)]
    if bool(old) == bool(new):
        return
    text = " ".join(s.text for s in (*view.changed_old(), *view.changed_new()))
    vpn = w.vpn_context(view) or bool(_VPN_WORDS.search(text))
    cats = (C.VPN_LOGGING,) if vpn else (C.SECURITY,)
    if old:
        where = _VOLATILE.search(old[0].text)
        said = where.group(0) if where else "in memory"
        yield Signal(
            S.CRITICAL if vpn else S.MAJOR,
            D.WEAKENS,
            cats,
            f"no longer kept {said}"
            if said.startswith(("in ", "only", "from"))
            else f"no longer '{said}'",
            "data the policy said was kept only in memory may now be stored",
        )
    else:
        yield Signal(
            S.MAJOR,
            D.STRENGTHENS,
            cats,
            "now kept in memory only",
            "data is now kept only in memory, never written to disk",
        )


_DISK_WRITE = re.compile(
    r"\b(?:written|writes?|stored|saved|kept|persisted|logged|recorded) (?:\w+ ){0,5}?(?:to|on) "
    r"(?:a |the |any |our |local )?(?:disks?|hard (?:drive|disk)s?|persistent storage|ssds?|"
    r"permanent storage)\b"
)
_DISK_WRITES = Gated(_DISK_WRITE)  # read in every changed sentence: few write to disk
_NONE_WRITTEN = re.compile(r"\b(?:no|never|not|nothing|none)\b|n't\b")


def _disk_writes(sentences: Iterable[Sentence]) -> tuple[bool, bool]:
    """(says nothing is written to disk, says something is)."""
    none = some = False
    for s in sentences:
        for m in _DISK_WRITES.finditer(s.text):
            if _NONE_WRITTEN.search(s.text, 0, m.start()):
                none = True
            else:
                some = True
    return none, some


@rule("disk-writes")
def disk_writes(view: HunkView) -> Iterator[Signal]:
    """ "Nothing is written to disk" becomes "some things are written to disk", or the reverse."""
    if view.moved:
        return
    old_none, old_some = _disk_writes(view.changed_old())
    new_none, new_some = _disk_writes(view.changed_new())
    if old_none and not old_some and new_some and not new_none:
        weakens = True
    elif new_none and not new_some and old_some and not old_none:
        weakens = False
    else:
        return
    text = " ".join(s.text for s in (*view.changed_old(), *view.changed_new()))
    vpn = w.vpn_context(view) or bool(_VPN_WORDS.search(text))
    yield Signal(
        S.MAJOR,
        D.WEAKENS if weakens else D.STRENGTHENS,
        (C.VPN_LOGGING,) if vpn else (C.SECURITY,),
        "now writes data to disk" if weakens else "no longer writes data to disk",
        "the policy said nothing is written to disk; now some data is"
        if weakens
        else "the policy now says nothing is written to disk",
    )


# "(?<!of )": in "before any revision of this notice applies" the notice is not what applies.
_SCOPE = re.compile(
    r"(?<!of )\b(?:(?:this|the|our|these) (?:privacy |additional |state )?(?:policy|notice|"
    r"statement|disclosures|section|terms)|it) (?:only )?"
    r"(?:applies|apply|covers|cover|governs|does not (?:apply|cover))\b|"
    r"\bgoverned by (?:a |its own )?separate (?:privacy )?(?:policy|notice|statement)|"
    r"\b(?:is|are) not covered by (?:this|the|our) (?:privacy )?(?:policy|notice|statement)|"
    r"^applies to\b"
)
_SCOPE_GATE = gate_words(_SCOPE)
_SCOPE_WORDS = frozenset(
    {
        *("policy", "privacy", "notice", "statement", "applie", "apply", "cover", "covers"),
        *("govern", "governs", "governed", "doe", "not", "only", "separate", "own", "also", "well"),
        # verbs and qualifiers that say how a product is reached, not which product it is
        *("run", "operated", "operate", "provided", "provide", "offered", "offer", "made", "make"),
        *("used", "use", "owned", "embed", "embedded", "responsible", "there", "where", "when"),
        *("including", "include", "visit", "access", "through", "via", "those", "such", "thi"),
        *("them", "they", "it", "its", "their", "covered"),
        # quantifiers: "applies to all our products" covers "every product" too
        *("all", "every", "each", "any", "our"),
        *("process", "processe", "processed", "handle", "handled", "collect", "collected"),
        # a product renamed: "Streamora (previously Streamora Plus)"
        *("formerly", "previously", "renamed", "known"),
    }
)


def _scope_words(sentences: Iterable[Sentence]) -> set[str] | None:
    found = [
        s for s in sentences if any(map(s.text.__contains__, _SCOPE_GATE)) and _SCOPE.search(s.text)
    ]
    if not found:
        return None
    return {t for s in found for t in s.tokens} - _SCOPE_WORDS


@rule("policy-scope")
def policy_scope(view: HunkView) -> Iterator[Signal]:
    """What the policy applies to changes: a product, service or audience is added or removed."""
    if view.moved:
        return
    old, new = _scope_words(view.changed_old()), _scope_words(view.changed_new())
    if old is None and new is None:
        return
    # A scope statement on one side only is compared with the whole other side: the words it
    # shares with a sentence that was merely restructured are not new scope.
    if old is None:
        old = {t for s in view.changed_old() for t in s.tokens} - _SCOPE_WORDS
    if new is None:
        new = {t for s in view.changed_new() for t in s.tokens} - _SCOPE_WORDS
    gained, lost = sorted(new - old), sorted(old - new)
    if not gained and not lost:
        return
    parts = [
        f"{', '.join(gained)} added" if gained else "",
        f"{', '.join(lost)} removed" if lost else "",
    ]
    show = "; ".join(p for p in parts if p)
    yield Signal(
        S.MAJOR,
        D.NEUTRAL,
        (C.SCOPE,),
        f"scope changed: {show}",
        f"what the policy applies to changed ({show})",
    )


_PROCEDURE = re.compile(
    r"\b(?:e-?mail(?:ing)?|(?:web |online |request )?form|settings|dashboard|portal|by post|"
    r"in writing|(?:tele)?phone|verif(?:y|ication)|identity|free of charge|no charge|fee|"
    r"in[- ]app|cookie banner|support|account page|written request|notari[sz]ed|"
    r"authori[sz]ed agent)\b"
)
_BURDENS = frozenset(
    {"verify", "verification", "identity", "fee", "notarized", "notarised", "written request"}
)
_FREE = re.compile(r"\b(?:free of charge|no charge|without charge|at no cost)\b")


_USER_CHOICE = re.compile(r"\byou (?:can|may|are able to)\b")


def _about_rights(view: HunkView, o: Sentence, n: Sentence) -> bool:
    topics = o.practice.categories | n.practice.categories | view.heading_categories
    if C.USER_RIGHTS in topics:
        return True
    return C.TRACKING in topics and bool(
        _USER_CHOICE.search(o.text) and _USER_CHOICE.search(n.text)
    )


@rule("rights-procedure")
def rights_procedure(view: HunkView) -> Iterator[Signal]:
    """How users exercise a right or a choice changes (the channel, a fee, proof of identity)."""
    if view.moved:
        return
    for o, n in w.pairs_or_whole(view):
        if not _about_rights(view, o, n):
            continue
        before = {m.group(0) for m in _PROCEDURE.finditer(o.text)}
        after = {m.group(0) for m in _PROCEDURE.finditer(n.text)}
        if before == after:
            continue
        free_before, free_after = bool(_FREE.search(o.text)), bool(_FREE.search(n.text))
        if free_before != free_after:
            direction = D.STRENGTHENS if free_after else D.WEAKENS
        elif before < after and not (after - before) & _BURDENS:
            direction = D.STRENGTHENS  # one more way to do it, nothing asked in exchange
        else:
            direction = D.NEUTRAL
        topics = o.practice.categories | n.practice.categories | view.heading_categories
        cats = (C.USER_RIGHTS,) if C.TRACKING not in topics else (C.TRACKING, C.USER_RIGHTS)
        show = f"{', '.join(sorted(before)) or 'none'} -> {', '.join(sorted(after)) or 'none'}"
        yield Signal(
            S.MINOR,
            direction,
            cats,
            f"rights procedure: {show}",
            f"how users exercise their rights changed ({show})",
        )


@rule("security-measure")
def security_measure(view: HunkView) -> Iterator[Signal]:
    """A protection (encryption, hashing, anonymisation) is stated on one side only."""
    if view.moved:
        return

    def protects(sentences: Iterable[Sentence]) -> list[Sentence]:
        return [
            s
            for s in sentences
            if s.practice.verbs.get("protect", cl.NOT) >= cl.NOT_CURRENTLY
            and not any(c.group == "protect" for c in s.practice.claims)
        ]

    def states(sentences: Iterable[Sentence]) -> bool:
        """Is a protection spoken of at all, as a verb or as a claim? (A "not" in its clause may
        be another verb's: "encrypted in a form we cannot read"; a protection denied outright is
        a modality flip, which the verb rules report.)"""
        return any(
            "protect" in s.practice.verbs or any(c.group == "protect" for c in s.practice.claims)
            for s in sentences
        )

    old = protects(view.old[i] for i in view.removed)
    new = protects(view.new[j] for j in view.added)
    if new and not states(view.old):
        yield Signal(
            S.MAJOR,
            D.STRENGTHENS,
            (C.SECURITY,),
            f"new protection: '{w.snippet(new[0].raw, 60)}'",
            f"the policy now says {w.say(new[0].raw)}",
        )
    if old and not states(view.new):
        yield Signal(
            S.MAJOR,
            D.WEAKENS,
            (C.SECURITY,),
            f"protection removed: '{w.snippet(old[0].raw, 60)}'",
            f"the policy no longer says {w.say(old[0].raw)}",
        )


_METHOD = re.compile(
    r"\b(?:\d+[- ]bit (?:aes|rsa)|bcrypt|argon2\w*|scrypt|pbkdf2|sha-?\d+|md5|aes(?:-?\d+)?|"
    r"rsa(?:-?\d+)?|chacha20|"
    r"wireguard|openvpn|ipsec|salt(?:ed|s)?|hash(?:es|ed|ing)?|encrypt(?:s|ed|ion)?|tokeni[sz]\w+|"
    r"end-to-end|zero-knowledge|full-disk|at rest|in transit|two-factor|2fa|plain ?text|"
    r"gcm|cbc|ctr|ecb|poly1305)\b"
)
_METHODS = Gated(_METHOD)  # read in both sentences of every pair: few name a method
_STEM = re.compile(r"(?<=[a-z]{3})(?:es|ed|ing|ion|s)$")  # not the "es" of "aes"


_SAME_METHOD = {"2fa": "two-factor", "plaintext": "plain text"}


def _methods(s: Sentence) -> set[str]:
    found = (_STEM.sub("", m.group(0)) for m in _METHODS.finditer(s.text))
    return {_SAME_METHOD.get(m, m) for m in found}


_KEYED = re.compile(r"^(?:(aes|rsa|sha)-?(\d+)|(\d+)[- ]bit (aes|rsa))$")
_BROKEN = frozenset({"md5", "sha-1", "sha1", "plain text", "ecb"})


def _key_lengths(methods: set[str]) -> dict[str, int]:
    found = [m for m in map(_KEYED.match, methods) if m]
    return {m.group(1) or m.group(4): int(m.group(2) or m.group(3)) for m in found}


def _stronger(before: set[str], after: set[str]) -> int:
    """+1 when the new method is plainly stronger, -1 weaker, 0 when it cannot be told: a shorter
    key of the same cipher, a broken hash or plain text."""
    old_keys, new_keys = _key_lengths(before), _key_lengths(after)
    for family in old_keys.keys() & new_keys.keys():
        if old_keys[family] != new_keys[family]:
            return 1 if new_keys[family] > old_keys[family] else -1
    if (after & _BROKEN) - before:
        return -1
    if (before & _BROKEN) - after:
        return 1
    return 0


@rule("security-method")
def security_method(view: HunkView) -> Iterator[Signal]:
    """The method protecting data changes (an algorithm, hashing for encryption): minor, and
    major when the new method is plainly weaker or stronger (a shorter key, a broken hash)."""
    if view.moved:
        return
    for o, n in w.pairs_or_whole(view):
        before, after = _methods(o), _methods(n)
        if not before or not after or before == after:
            continue
        change = _stronger(before, after)
        if change:
            show = f"{', '.join(sorted(before - after))} -> {', '.join(sorted(after - before))}"
            yield Signal(
                S.MAJOR,
                D.WEAKENS if change < 0 else D.STRENGTHENS,
                (C.SECURITY,),
                f"{'weaker' if change < 0 else 'stronger'} protection: {show}",
                f"data is now protected by a {'weaker' if change < 0 else 'stronger'} method "
                f"({show})",
            )
            continue
        if o.practice.claims != n.practice.claims and any(
            c.group == "protect" for c in (*o.practice.claims, *n.practice.claims)
        ):
            continue  # a protection added or dropped is the practice rules' to judge
        show = f"{', '.join(sorted(before))} -> {', '.join(sorted(after))}"
        yield Signal(
            S.MINOR,
            D.NEUTRAL,
            (C.SECURITY,),
            f"protection method: {show}",
            f"the protection method changed from {', '.join(sorted(before - after)) or 'none'} "
            f"to {', '.join(sorted(after - before)) or 'none'}",
        )
