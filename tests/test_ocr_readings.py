"""Reading a document again until nothing changes: the stage on its own output finds nothing to do, and a
reading that keeps what the last one judged gives what a fresh reading gives."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.core.settings import Settings
from pipeline.core.settle import settle
from pipeline.eval.datasets import load_dataset
from pipeline.stages.ocr import DocumentReader
from tests.conftest import SAMPLE, shared_path

RULES = Settings().rules("ocr")
# Running English with real neighbours, so that a repair changes the context of the words beside it.
WORDS = SAMPLE.read_text(encoding="utf-8").split()
# Misreadings OCR makes (as the confusion table has them), to make noisy print from clean words.
MISREADINGS = [("e", "o"), ("h", "li"), ("h", "b"), ("m", "rn"), ("r", "i"), ("a", "n"), ("d", "cl")]


def noisy_text(seed: int, words: int, misreadings: list[tuple[str, str]] = MISREADINGS) -> str:
    """A stretch of the sample scan, a fifth of its words misread: noisy print."""
    rng = random.Random(seed)
    first = rng.randrange(len(WORDS) - words)
    out = []
    for word in WORDS[first : first + words]:
        if rng.random() < 0.2:
            printed, read = rng.choice(misreadings)
            word = word.replace(printed, read, 1)
        out.append(word)
    return " ".join(out) + ".\n"


def fresh_readings(text: str) -> list:
    """The readings with nothing kept from one to the next: each a reader of its own, told only what the
    stage takes from the text it received (the prior shift, the marks read as letters)."""
    first = DocumentReader(RULES, frozenset())
    first(text)

    def fresh_reading(current: str) -> list:
        return DocumentReader(RULES, frozenset(), first.prior_shift, first.marks)(current)

    return settle(text, fresh_reading, RULES.integer("readings"))


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=5, max_value=300))
def test_keeping_the_last_readings_verdicts_changes_no_edit(seed: int, words: int) -> None:
    text = noisy_text(seed, words)
    kept = settle(text, DocumentReader(RULES, frozenset()), RULES.integer("readings"))
    assert sorted(kept, key=repr) == sorted(fresh_readings(text), key=repr)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=5, max_value=300))
def test_the_stage_on_its_own_output_changes_nothing(seed: int, words: int) -> None:
    result = pipeline.clean(noisy_text(seed, words), only=("ocr",))
    again = pipeline.clean(result.text, only=("ocr",))
    assert [change for change in again.changes if change.applied] == []


def test_keeping_the_last_readings_verdicts_changes_no_edit_on_real_scans() -> None:
    data = shared_path("eval", "overproof-smh").parent
    for document in load_dataset("overproof-smh", data)[:40]:
        text = pipeline.clean(document.raw, only=("input", "encoding")).text
        kept = settle(text, DocumentReader(RULES, frozenset()), RULES.integer("readings"))
        assert sorted(kept, key=repr) == sorted(fresh_readings(text), key=repr), document.name


@pytest.mark.parametrize("name", ["overproof-smh", "bln600"])
def test_real_noisy_scans_are_left_with_nothing_to_do(name: str) -> None:
    """On real OCR (the first 40 documents of a shared set) a second run of the stage changes nothing;
    before the stage read its own repairs again, 26 of OverProof's 159 articles changed."""
    data = shared_path("eval", name).parent
    for document in load_dataset(name, data)[:40]:
        result = pipeline.clean(document.raw, only=("input", "encoding", "ocr"))
        again = pipeline.clean(result.text, only=("input", "encoding", "ocr"))
        assert [change.before for change in again.changes if change.applied] == [], document.name
