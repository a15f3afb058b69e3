"""check_target end to end against pages on 127.0.0.1: outcomes, flip-backs, anomalies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import PageServer
from watcher import config as config_mod
from watcher import pipeline
from watcher.models import Outcome, Target
from watcher.store import sha256

PARAS = [
    "We do not store connection timestamps or session durations.",
    "We collect your e-mail address to manage your subscription.",
    "Payments are processed by our payment processor; we never see card numbers.",
    "We never sell your personal information to anyone.",
    "If a government agency asks for data, we notify the affected user unless a court forbids it.",
    "You can ask us to delete your account and all data tied to it at any time.",
]


def html(paras: list[str], extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<html><head><title>Privacy</title></head><body><main><h1>Privacy Policy</h1>"
        f"{extra}{body}</main></body></html>"
    )


@pytest.fixture
def checker(pages: PageServer, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    contexts: list[pipeline.Context] = []

    def make(body: str, **target_extra: Any) -> Callable[[], Any]:
        url = pages.set("/p", body)
        data = {
            "watcher": {"state_dir": str(tmp_path / "state"), "failure_threshold": 2},
            "fetch": {"retries": 0},
            "targets": [{"id": "jet/privacy", "url": url, "provider": "Jet", **target_extra}],
            "groups": [
                {"name": "ngo", "notify": ["json://127.0.0.1:9/hook"], "min_severity": "minor"}
            ],
        }
        cfg = config_mod.parse(data)
        ctx = pipeline.Context.open(cfg)
        contexts.append(ctx)

        def check() -> Any:
            return pipeline.check_target(ctx, cfg.targets[0])

        check.ctx = ctx  # type: ignore[attr-defined]
        check.target = cfg.targets[0]  # type: ignore[attr-defined]
        return check

    yield make
    for ctx in contexts:
        ctx.close()


def test_outcomes_new_unchanged_changed(pages: PageServer, checker: Any) -> None:
    check = checker(html(PARAS))
    assert check().outcome is Outcome.NEW
    assert check().outcome is Outcome.UNCHANGED
    pages.set("/p", html([PARAS[0].replace("do not store", "store"), *PARAS[1:]]))
    r = check()
    assert r.outcome is Outcome.CHANGED
    assert r.verdict is not None and r.verdict.material
    assert r.change_id is not None


def test_material_change_queues_alert_in_same_transaction(pages: PageServer, checker: Any) -> None:
    check = checker(html(PARAS))
    check()
    pages.set("/p", html([PARAS[0].replace("do not store", "store"), *PARAS[1:]]))
    r = check()
    rows = check.ctx.store.outbox()
    assert [(row.group, row.kind, row.change_id) for row in rows] == [
        ("ngo", "change", r.change_id)
    ]
    assert rows[0].key == f"change:{r.change_id}:ngo"


def test_flip_back_is_recorded_not_alerted(pages: PageServer, checker: Any) -> None:
    toc = "<ul><li>Logs</li><li>Payments</li><li>Rights</li></ul>"
    check = checker(html(PARAS))
    check()
    pages.set("/p", html(PARAS, extra=toc))
    assert check().outcome is Outcome.CHANGED
    pages.set("/p", html(PARAS))
    r = check()
    assert r.outcome is Outcome.UNCHANGED and r.cause == "flip-back"
    versions = check.ctx.store.versions(check.target.id)
    assert versions[0].flip_of == 1 and versions[0].note == "flip-back"
    assert len(check.ctx.store.outbox()) <= 1  # only what the first appearance queued


def test_unstable_block_is_ignored_but_real_edit_next_to_it_is_reported(
    pages: PageServer, checker: Any
) -> None:
    banner = "<p>Read our new transparency report for 2026.</p>"
    check = checker(html(PARAS))
    check()
    pages.set("/p", html(PARAS, extra=banner))
    check()
    pages.set("/p", html(PARAS))
    assert check().cause == "flip-back"
    # the banner comes back together with a real edit: only the edit is reported
    edited = [*PARAS[:3], PARAS[3].replace("never sell", "may sell"), *PARAS[4:]]
    pages.set("/p", html(edited, extra=banner))
    r = check()
    assert r.outcome is Outcome.CHANGED
    stored = check.ctx.store.change(r.change_id)
    texts = [h.new for h in stored.change.hunks]
    assert any("may sell" in t for t in texts)
    assert not any("transparency report" in t for t in texts)


def test_bot_challenge_is_an_anomaly_never_a_version(pages: PageServer, checker: Any) -> None:
    check = checker(html(PARAS))
    check()
    pages.set(
        "/p",
        "<html><head><title>Just a moment...</title></head><body><h1>Checking your browser "
        "before accessing example.org</h1><p>Please enable JavaScript and cookies to continue."
        "</p><div id='cf-challenge'></div></body></html>",
        status=200,
    )
    r = check()
    assert r.outcome is Outcome.ANOMALY and r.cause == "bot-challenge"
    assert check().outcome is Outcome.ANOMALY
    assert [v.seq for v in check.ctx.store.versions(check.target.id)] == [1]
    pages.set("/p", html(PARAS))
    assert check().outcome is Outcome.UNCHANGED
    assert check.ctx.store.pending_anomaly(check.target.id) is None


def test_selector_matching_nothing_is_an_anomaly(pages: PageServer, checker: Any) -> None:
    check = checker(html(PARAS), select=["#policy"])
    r = check()
    assert r.outcome is Outcome.ANOMALY and r.cause == "selector-empty"
    assert check.ctx.store.latest_version(check.target.id) is None


def test_shrunk_text_is_held_back_then_confirmed(pages: PageServer, checker: Any) -> None:
    check = checker(html(PARAS))
    check()
    pages.set("/p", html(PARAS[:2]))
    first = check()
    assert first.outcome is Outcome.ANOMALY and first.cause == "shrunk"
    assert check.ctx.store.latest_version(check.target.id).seq == 1
    second = check()
    assert second.outcome is Outcome.CHANGED
    stored = check.ctx.store.change(second.change_id)
    assert stored.note.startswith("confirmed after an anomaly")


def test_shrink_that_recovers_is_dropped(pages: PageServer, checker: Any) -> None:
    check = checker(html(PARAS))
    check()
    pages.set("/p", html(PARAS[:1]))
    assert check().outcome is Outcome.ANOMALY
    pages.set("/p", html(PARAS))
    assert check().outcome is Outcome.UNCHANGED
    assert check.ctx.store.changes(check.target.id) == []


def test_new_rules_alone_never_alert(pages: PageServer, checker: Any, tmp_path: Path) -> None:
    """A new selector changes the extracted text; the old side is re-extracted, so no change."""
    page = html(PARAS, extra="<p class='office'>Our office is open 9 to 5, 80% of days.</p>")
    check = checker(page)
    check()
    ctx = check.ctx
    narrowed = Target(
        **{
            **{f: getattr(check.target, f) for f in Target.__dataclass_fields__},
            "rules": config_mod.ExtractRules(remove=(".office",)),
        }
    )
    r = pipeline.check_target(ctx, narrowed)
    assert r.outcome is Outcome.UNCHANGED
    latest = ctx.store.latest_version(narrowed.id)
    assert "80% of days" not in latest.text
    assert latest.note == "re-extracted"
    assert ctx.store.changes(narrowed.id) == []


def test_failures_alert_once_then_recovery(pages: PageServer, checker: Any) -> None:
    check = checker(html(PARAS))
    check()
    pages.set("/p", "gone", status=500)
    for _ in range(4):
        assert check().outcome is Outcome.ERROR
    kinds = [row.kind for row in check.ctx.store.outbox()]
    assert kinds == ["failure"]  # threshold 2: once, not on every failing check
    pages.set("/p", html(PARAS))
    assert check().outcome is Outcome.UNCHANGED
    kinds = [row.kind for row in check.ctx.store.outbox()]
    assert kinds == ["failure", "recovery"]


def test_not_modified_costs_no_parsing(pages: PageServer, checker: Any) -> None:
    body = html(PARAS)
    check = checker(body)
    pages.set("/p", body, headers={"ETag": '"v1"'})
    check()
    r = check()
    assert r.outcome is Outcome.UNCHANGED
    # the second request carried the validator
    assert pages.requests[-1][1].get("If-None-Match") == '"v1"'


def test_error_result_keeps_store_consistent(checker: Any) -> None:
    check = checker(html(PARAS))
    check.ctx.client.close()  # a broken client: every fetch fails
    r = check()
    assert r.outcome is Outcome.ERROR
    assert check.ctx.store.latest_version(check.target.id) is None
    assert len(check.ctx.store.checks(check.target.id)) == 1


def test_text_hash_is_of_the_normalized_text(pages: PageServer, checker: Any) -> None:
    check = checker(html(PARAS))
    check()
    v = check.ctx.store.latest_version(check.target.id)
    assert v.text_sha256 == sha256(v.text)


def test_concurrent_checks_of_one_change_store_and_alert_it_once(
    pages: PageServer, checker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`watcher check` while `watcher run` checks the same target: one version, one alert."""
    check = checker(html(PARAS))
    check()
    other = pipeline.Context.open(check.ctx.config)  # another process on the same state dir
    try:
        pages.set("/p", html([PARAS[0].replace("do not store", "store"), *PARAS[1:]]))
        real_fetch = pipeline.fetch

        def racing_fetch(*args: Any, **kwargs: Any) -> Any:
            # the other process stores the same change while this check is under way
            monkeypatch.setattr(pipeline, "fetch", real_fetch)
            assert pipeline.check_target(other, check.target).outcome is Outcome.CHANGED
            return real_fetch(*args, **kwargs)

        monkeypatch.setattr(pipeline, "fetch", racing_fetch)
        r = check()
        assert r.outcome is not Outcome.CHANGED
        store = check.ctx.store
        assert [v.seq for v in store.versions(check.target.id)] == [2, 1]
        assert len(store.changes(check.target.id)) == 1
        assert [row.kind for row in store.outbox()] == ["change"]
    finally:
        other.close()


def test_new_selector_that_the_old_body_cannot_match_never_alerts(
    pages: PageServer, checker: Any
) -> None:
    """The site moves its policy into #policy and the operator follows with a new selector:
    the old raw body has no #policy, so its side cannot be re-extracted under the new rules.
    Diffing the old rules' text against the new rules' text would alert on the rules alone."""
    extra = "<p>We may share your e-mail address with advertising partners.</p>"
    check = checker(html(PARAS, extra=extra))
    check()
    ctx = check.ctx
    pages.set("/p", f"<html><body><main>{extra}<div id='policy'>{html(PARAS)}</div></main>")
    moved = Target(
        **{
            **{f: getattr(check.target, f) for f in Target.__dataclass_fields__},
            "rules": config_mod.ExtractRules(select=("#policy",)),
        }
    )
    r = pipeline.check_target(ctx, moved)
    assert r.outcome is not Outcome.CHANGED
    assert ctx.store.outbox() == []
    latest = ctx.store.latest_version(moved.id)
    assert latest is not None and latest.seq == 2 and "advertising" not in latest.text
    # the new text is the baseline from now on: the next check is unchanged
    assert pipeline.check_target(ctx, moved).outcome is Outcome.UNCHANGED


def test_threshold_lowered_mid_episode_still_alerts_exactly_once(
    pages: PageServer, tmp_path: Path
) -> None:
    """A reload that lowers failure_threshold below a running streak still tells the groups."""

    def context(threshold: int) -> pipeline.Context:
        cfg = config_mod.parse(
            {
                "watcher": {"state_dir": str(tmp_path / "st"), "failure_threshold": threshold},
                "fetch": {"retries": 0},
                "targets": [{"id": "jet/privacy", "url": pages.url("/p"), "provider": "Jet"}],
                "groups": [{"name": "ngo", "notify": ["json://127.0.0.1:9/hook"]}],
            }
        )
        return pipeline.Context.open(cfg)

    pages.set("/p", html(PARAS))
    ctx = context(5)
    target = ctx.config.targets[0]
    pipeline.check_target(ctx, target)
    pages.set("/p", "gone", status=500)
    for _ in range(3):
        pipeline.check_target(ctx, target)
    assert ctx.store.outbox() == []  # 3 failures, threshold 5: nobody told yet
    ctx.close()

    ctx = context(2)  # the operator lowers the threshold: the streak (3) is already past it
    for _ in range(3):
        pipeline.check_target(ctx, target)
    assert [row.kind for row in ctx.store.outbox()] == ["failure"]
    pages.set("/p", html(PARAS))
    pipeline.check_target(ctx, target)
    assert [row.kind for row in ctx.store.outbox()] == ["failure", "recovery"]
    ctx.close()
