"""Between two fetches of an unchanged policy, sites change a lot; the normalized text must not.

The pages come from tests/data/noise/pagegen.py: each seed policy in a realistic layout, with
every kind of between-fetch noise in NOISE_KINDS drawn from a seeded RNG per round. The committed
corpus (tests/data/noise/corpus/) is a few of those rounds, kept as files so a failure can be
opened in a browser; the tests below also generate further rounds.
"""

from __future__ import annotations

import importlib.util
import random
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from watcher.extract import extract
from watcher.models import Fetched
from watcher.normalize import normalize

NOISE_DIR = Path(__file__).parent / "data" / "noise"


def _load_pagegen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pagegen", NOISE_DIR / "pagegen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pagegen"] = module
    spec.loader.exec_module(module)
    return module


pagegen = _load_pagegen()
SEEDS: list[Path] = pagegen.SEEDS
ROUNDS = range(1, 9)


def text_of(html: str | bytes) -> str:
    body = html.encode("utf-8") if isinstance(html, str) else html
    fetched = Fetched(
        url="https://example.com/privacy",
        status=200,
        content_type="text/html",
        body=body,
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    return normalize(extract(fetched)).text


def seed_id(p: Path) -> str:
    return p.name[:8]


def test_there_are_at_least_twenty_kinds_of_noise() -> None:
    assert len(pagegen.NOISE_KINDS) >= 20


def test_rounds_really_differ_as_pages() -> None:
    pages = {pagegen.seed_page(SEEDS[0], r) for r in ROUNDS}
    assert len(pages) == len(ROUNDS)


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_committed_corpus_rounds_give_identical_text(seed: Path) -> None:
    rounds = sorted((NOISE_DIR / "corpus" / seed.stem).glob("round*.html"))
    assert len(rounds) >= 4
    texts = {text_of(p.read_bytes()) for p in rounds}
    texts.add(text_of(pagegen.seed_page(seed, 0)))
    assert len(texts) == 1


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_all_noise_together_changes_nothing_across_rounds(seed: Path) -> None:
    baseline = text_of(pagegen.seed_page(seed, 0))
    for r in ROUNDS:
        assert text_of(pagegen.seed_page(seed, r)) == baseline, f"round {r}"


@pytest.mark.parametrize("kind", pagegen.NOISE_KINDS)
def test_each_kind_of_noise_alone_changes_nothing(kind: str) -> None:
    kinds = frozenset({kind})
    for seed in SEEDS[:3]:
        quiet = text_of(pagegen.seed_page(seed, 0, frozenset()))
        for r in range(1, 4):
            assert text_of(pagegen.seed_page(seed, r, kinds)) == quiet, (seed.name, r)


def _edit_one_word(paras: list[Any], rng: random.Random) -> list[Any]:
    """The paragraphs with one word of one long paragraph replaced (or a "not" removed)."""
    candidates = [i for i, p in enumerate(paras) if p.kind == "p" and len(p.text) > 80]
    i = rng.choice(candidates)
    words = paras[i].text.split(" ")
    if " not " in paras[i].text and rng.random() < 0.5:
        edited = re.sub(r" not ", " ", paras[i].text, count=1)
    else:
        j = rng.randrange(len(words))
        words[j] = "sometimes" if words[j] != "sometimes" else "always"
        edited = " ".join(words)
    return [*paras[:i], pagegen.Para("p", edited), *paras[i + 1 :]]


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_a_one_word_edit_inside_the_noise_always_changes_the_text(seed: Path) -> None:
    paras = pagegen.seed_paragraphs(seed.read_text("utf-8"))
    baseline = text_of(pagegen.seed_page(seed, 0, paras=paras))
    rng = random.Random(seed.name)
    for r in ROUNDS:
        edited = _edit_one_word(paras, rng)
        assert text_of(pagegen.seed_page(seed, r, paras=edited)) != baseline, f"round {r}"
