"""Stage `ocr` on the sample scan and on random clean text: what it must repair and must not touch."""

from __future__ import annotations

from functools import lru_cache

import wordfreq
from hypothesis import example, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.core import changelog
from pipeline.core.edits import Change
from tests.conftest import SAMPLE


@lru_cache(maxsize=1)
def sample_changes() -> tuple[Change, ...]:
    return tuple(c for c in pipeline.clean(SAMPLE.read_text(encoding="utf-8")).changes if c.stage == "ocr")


def test_the_sample_scans_confusions_are_repaired() -> None:
    applied = {(c.before, c.after) for c in sample_changes() if c.applied}
    assert ("losif", "Iosif") in applied
    assert ("VVoroshilov", "Voroshilov") in applied


def test_no_correctly_spelt_word_of_the_sample_is_changed() -> None:
    # Every applied repair is of a word no lexicon knows as written; the two above are all there are.
    applied = [c for c in sample_changes() if c.applied]
    assert all(wordfreq.zipf_frequency(c.before, "en") == 0 for c in applied)
    assert sorted(c.before for c in applied) == ["VVoroshilov", "losif"]


def test_more_more_is_a_suggestion() -> None:
    doubled = [c for c in sample_changes() if c.rule == "ocr/doubled-word"]
    assert [(c.before, c.after, c.applied) for c in doubled] == [(" more", "", False)]


COMMON_WORDS = wordfreq.top_n_list("en", 3000)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(COMMON_WORDS), min_size=1, max_size=40))
def test_clean_english_passes_through(words: list[str]) -> None:
    text = " ".join(words) + ".\n"
    result = pipeline.clean(text, only=("ocr",))
    assert [c for c in result.changes if c.applied and c.stage == "ocr"] == []


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="abcdefghilmnorstuvIl1VW05 .,-\n", max_size=80))
@example(text="ifVf")  # once repaired to the rare word `iff`, which the next run made `if`
def test_repairs_are_idempotent_and_restorable(text: str) -> None:
    result = pipeline.clean(text, only=("ocr",))
    assert pipeline.clean(result.text, only=("ocr",)).text == result.text
    assert changelog.restore(result.text, result.changes) == text
