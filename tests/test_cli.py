"""The installed `watcher` command, run as a user runs it, against pages on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from conftest import PageServer

Run = Callable[..., subprocess.CompletedProcess[str]]

POLICY = """<!doctype html><html><head><title>Privacy | Jet VPN</title></head><body>
<nav><a href="/">Home</a><a href="/pricing">Pricing</a></nav>
<main>
<h1>Jet VPN Privacy Policy</h1>
<h2>1. Logs</h2>
<p>We do not store connection timestamps, session durations or your source IP address.</p>
<h2>2. Payments</h2>
<p>Payments are handled by our payment processor. We never sell your personal data.</p>
<h2>3. Contact</h2>
<p>Questions about this policy can be sent to our privacy team by e-mail.</p>
</main>
<footer><p>&copy; 2026 Jet VPN</p></footer>
</body></html>"""

EDITED = POLICY.replace(
    "We do not store connection timestamps, session durations or your source IP address.",
    "We store connection timestamps and session durations for 30 days. We do not store your "
    "source IP address.",
)


def target(pages: PageServer, body: str = POLICY) -> dict[str, str]:
    return {
        "id": "jetvpn/privacy",
        "url": pages.set("/privacy", body),
        "provider": "Jet VPN",
        "name": "privacy policy",
    }


def test_check_new_unchanged_changed_and_stored_diff(
    pages: PageServer, write_config: Callable[..., Path], watcher_cli: Run
) -> None:
    cfg = str(write_config([target(pages)]))

    first = watcher_cli("check", "--config", cfg, "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["results"][0]["outcome"] == "new"

    again = watcher_cli("check", "--config", cfg, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["results"][0]["outcome"] == "unchanged"

    pages.set("/privacy", EDITED)
    edited = watcher_cli("check", "--config", cfg, "--json")
    assert edited.returncode == 1, edited.stderr
    result = json.loads(edited.stdout)["results"][0]
    assert result["outcome"] == "changed"
    assert result["material"] is True

    diff = watcher_cli(
        "diff", "jetvpn/privacy", "--from", "1", "--to", "2", "--json", "--config", cfg
    )
    assert diff.returncode == 1, diff.stderr
    out = json.loads(diff.stdout)
    assert out["changed"] is True and out["material"] is True
    assert {
        "changed",
        "material",
        "severity",
        "direction",
        "categories",
        "summary",
        "hunks",
    } <= out.keys()
    hunk = next(h for h in out["hunks"] if "connection timestamps" in h["new"])
    assert "We do not store connection timestamps" in hunk["old"]
    assert hunk["kind"] == "modified"
    assert {
        "kind",
        "old",
        "new",
        "severity",
        "material",
        "direction",
        "categories",
        "reasons",
    } <= hunk.keys()

    history = watcher_cli("history", "jetvpn/privacy", "--config", cfg)
    assert history.returncode == 0
    assert "v1" in history.stdout and "v2" in history.stdout

    show = watcher_cli("show", "jetvpn/privacy", "--version", "1", "--config", cfg)
    assert "We do not store connection timestamps" in show.stdout
    assert "Pricing" not in show.stdout  # navigation is not policy text
    raw = watcher_cli("show", "jetvpn/privacy", "--raw", "--config", cfg)
    assert "<nav>" in raw.stdout

    listing = watcher_cli("list", "--config", cfg, "--json")
    row = json.loads(listing.stdout)["targets"][0]
    assert row["versions"] == 2 and row["last_outcome"] == "changed"


def test_noise_only_edit_is_unchanged(
    pages: PageServer, write_config: Callable[..., Path], watcher_cli: Run
) -> None:
    cfg = str(write_config([target(pages)]))
    assert watcher_cli("check", "--config", cfg).returncode == 0
    pages.set(
        "/privacy",
        POLICY.replace("&copy; 2026", "&copy; 2027").replace("Pricing", "Pricing &amp; plans"),
    )
    res = watcher_cli("check", "--config", cfg, "--json")
    assert res.returncode == 0, res.stdout
    assert json.loads(res.stdout)["results"][0]["outcome"] == "unchanged"


def test_live_diff_against_latest_version(
    pages: PageServer, write_config: Callable[..., Path], watcher_cli: Run
) -> None:
    cfg = str(write_config([target(pages)]))
    watcher_cli("check", "--config", cfg)
    same = watcher_cli("diff", "jetvpn/privacy", "--config", cfg, "--json")
    assert same.returncode == 0 and json.loads(same.stdout)["changed"] is False
    pages.set("/privacy", EDITED)
    live = watcher_cli("diff", "jetvpn/privacy", "--config", cfg)
    assert live.returncode == 1
    assert "30 days" in live.stdout
    # a live diff stores nothing
    assert "v2" not in watcher_cli("history", "jetvpn/privacy", "--config", cfg).stdout


def test_diff_two_files_and_urls(tmp_path: Path, pages: PageServer, watcher_cli: Run) -> None:
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text(POLICY)
    new.write_text(EDITED)
    files = watcher_cli("diff", str(old), str(new), "--json")
    assert files.returncode == 1, files.stderr
    assert json.loads(files.stdout)["material"] is True
    same = watcher_cli("diff", str(old), str(old))
    assert same.returncode == 0
    urls = watcher_cli("diff", pages.set("/a", POLICY), pages.set("/b", EDITED), "--json")
    assert urls.returncode == 1
    assert json.loads(urls.stdout)["changed"] is True
    mixed = watcher_cli("diff", str(old), pages.url("/b"), "--color", "never")
    assert mixed.returncode == 1 and "30 days" in mixed.stdout


def test_bad_config_exits_2_with_key_path(
    tmp_path: Path, watcher_cli: Run, write_config: Callable[..., Path]
) -> None:
    cfg = write_config([{"id": "a/b", "url": "http://127.0.0.1:9/", "interval": "6 hours"}])
    res = watcher_cli("check", "--config", str(cfg))
    assert res.returncode == 2
    assert "targets[0].interval" in res.stderr
    assert "Traceback" not in res.stderr
    missing = watcher_cli("list", "--config", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "no such config file" in missing.stderr


def test_unknown_target_and_missing_version_exit_2(
    pages: PageServer, write_config: Callable[..., Path], watcher_cli: Run
) -> None:
    cfg = str(write_config([target(pages)]))
    res = watcher_cli("history", "nope/nope", "--config", cfg)
    assert res.returncode == 2 and "unknown target 'nope/nope'" in res.stderr
    watcher_cli("check", "--config", cfg)
    res = watcher_cli("diff", "jetvpn/privacy", "--from", "1", "--to", "7", "--config", cfg)
    assert res.returncode == 2 and "no version 7" in res.stderr


def test_dead_server_is_an_error_exit_3_and_nothing_stored(
    write_config: Callable[..., Path], watcher_cli: Run
) -> None:
    cfg = str(write_config([{"id": "dead/policy", "url": "http://127.0.0.1:9/policy"}]))
    res = watcher_cli("check", "--config", cfg, "--json")
    assert res.returncode == 3
    result = json.loads(res.stdout)["results"][0]
    assert result["outcome"] == "error" and result["cause"] == "connect"
    assert result["message"]
    hist = watcher_cli("history", "dead/policy", "--config", cfg)
    assert "no stored version" in hist.stdout


def test_config_check_masks_secrets(write_config: Callable[..., Path], watcher_cli: Run) -> None:
    cfg = write_config(
        [{"id": "a/b", "url": "https://example.org/p"}],
        groups=[{"name": "g", "notify": ["tgram://123456:SECRETTOKEN/987"]}],
    )
    res = watcher_cli("config", "check", "--config", str(cfg))
    assert res.returncode == 0, res.stderr
    assert "SECRETTOKEN" not in res.stdout and "OK" in res.stdout


def test_progress_goes_to_stderr_with_several_targets(
    pages: PageServer, write_config: Callable[..., Path], watcher_cli: Run
) -> None:
    t1 = target(pages)
    t2 = {"id": "jetvpn/terms", "url": pages.set("/terms", POLICY.replace("Privacy", "Terms"))}
    cfg = str(write_config([t1, t2]))
    res = watcher_cli("check", "--config", cfg)
    assert res.returncode == 0, res.stderr
    assert "[1/2]" in res.stderr and "[2/2]" in res.stderr
    assert "checked 2 target(s): 2 new" in res.stderr
    assert res.stdout.count(": new") == 2


def test_demo_runs_offline(tmp_path: Path, watcher_cli: Run) -> None:
    res = watcher_cli("demo", "--state-dir", str(tmp_path / "demo"))
    assert res.returncode == 0, res.stderr
    assert "check 1" in res.stdout and ": new" in res.stdout
    assert res.stdout.count(": unchanged") >= 1
    assert ": changed" in res.stdout
    assert "30 days" in res.stdout
    # the critical change reached the subscribed group through apprise, the date-only one did not
    assert res.stdout.count("alert to vpn-watchdogs") == 1
    assert "title: [critical]" in res.stdout
    assert "no alert: below the group's min_severity" in res.stdout
