"""The promise, end to end: page noise never reaches anyone; a one-word policy edit does.

Five real policies (the seeds) wrapped in realistic pages whose noise changes on every fetch
(tests/data/noise/corpus: rotating tokens, cookie banners, re-wrapped markup, obfuscated e-mails,
counters...), served on 127.0.0.1 and checked by the installed `watcher check` round after round,
with a subscriber group that wants everything from `cosmetic` up, on a real local webhook.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import PageServer
from receivers import JsonReceiver

CORPUS = Path(__file__).parent / "data" / "noise" / "corpus"
SEEDS = sorted(p for p in CORPUS.iterdir() if p.is_dir())
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def hook() -> Iterator[JsonReceiver]:
    r = JsonReceiver()
    yield r
    r.close()


def serve_round(pages: PageServer, n: int) -> None:
    for seed in SEEDS:
        pages.set(f"/{seed.name}", (seed / f"round{n}.html").read_bytes())


def check(watcher_cli: Run, cfg: Path) -> dict[str, str]:
    res = watcher_cli("check", "--config", str(cfg), "--json", timeout=120)
    assert res.returncode in (0, 1), res.stderr
    return {r["target"]: r["outcome"] for r in json.loads(res.stdout)["results"]}


def test_noise_never_alerts_and_a_one_word_edit_alerts_once(
    pages: PageServer, hook: JsonReceiver, write_config: Callable[..., Path], watcher_cli: Run
) -> None:
    targets = [
        {"id": f"seed/{i}", "url": pages.url(f"/{seed.name}"), "provider": f"Provider {i}"}
        for i, seed in enumerate(SEEDS)
    ]
    cfg = write_config(
        targets,
        groups=[{"name": "everything", "notify": [hook.url()], "min_severity": "cosmetic"}],
    )
    serve_round(pages, 1)
    assert set(check(watcher_cli, cfg).values()) == {"new"}
    for n in (2, 3, 4):
        serve_round(pages, n)
        outcomes = check(watcher_cli, cfg)
        assert set(outcomes.values()) == {"unchanged"}, (n, outcomes)
    assert hook.bodies() == []  # three rounds of noise: nobody heard anything

    page = (SEEDS[0] / "round4.html").read_text("utf-8")
    edited = page.replace(
        "Additionally, we do not maintain connection logs",
        "Additionally, we maintain connection logs",
    )
    assert edited != page
    pages.set(f"/{SEEDS[0].name}", edited)
    outcomes = check(watcher_cli, cfg)
    assert outcomes == {**{t["id"]: "unchanged" for t in targets}, "seed/0": "changed"}
    bodies = hook.bodies()
    assert len(bodies) == 1
    assert bodies[0]["title"].startswith(("[critical]", "[major]"))
    assert "connection logs" in bodies[0]["message"]

    # the next round of noise on top of the edit: still exactly one alert
    check(watcher_cli, cfg)
    assert len(hook.bodies()) == 1
