"""Marks OCR reads for letters (`hi«` for `his`, `H~e` for `He`): read inside words, while guillemets that a
document quotes with stay quotation marks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.core.word_pairs import english_word_pairs
from tests.conftest import assert_rule_error
from tests.test_ocr_readings import WORDS

# Words of the sample scan that the stage leaves alone in clean print.
PLAIN = [word for word in WORDS if word.isalpha() and word.islower()][:400]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.sampled_from(PLAIN), min_size=3, max_size=30),
    st.lists(st.tuples(st.integers(0, 29), st.integers(1, 4)), min_size=1, max_size=3),
    st.sampled_from(["«»", "»«"]),
)
def test_quotations_in_guillemets_are_left_as_they_are(
    words: list[str], quotes: list[tuple[int, int]], orientation: str
) -> None:
    """Clean words with some runs quoted in guillemets, the French way or the German way: the stage
    changes none of the marks."""
    opens, closes = orientation
    for start, length in quotes:
        if start + length <= len(words):
            words[start] = opens + words[start]
            words[start + length - 1] = words[start + length - 1] + closes
    text = " ".join(words) + ".\n"
    changes = pipeline.clean(text, only=("ocr",)).changes
    assert [change.before for change in changes if opens in change.before or closes in change.before] == []


def test_a_document_that_reads_marks_for_letters_has_them_repaired() -> None:
    text = "The hi« wife and «aid that the earning» were small.\n"
    assert pipeline.clean(text, only=("ocr",)).text == "The his wife and said that the earnings were small.\n"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("ocr.quote_mark_pairs=['«']", "'quote_mark_pairs' must be a list of two-character strings"),
        ("ocr.quote_mark_pairs='«»'", "'quote_mark_pairs' must be a list of strings"),
        ("ocr.unknown_length_weight=-1", "'unknown_length_weight' must be at least 0"),
        ("ocr.speck_mark_confidence=2", "'speck_mark_confidence' must be between 0 and 1, not 2"),
        ("ocr.words_ending_no_sentence='the'", "'words_ending_no_sentence' must be a list of strings"),
    ],
)
def test_bad_mark_rules_are_a_clear_error(override: str, message: str) -> None:
    assert_rule_error(override, message)


def test_clean_sentences_do_not_read_the_word_pair_list() -> None:
    """The pair list (a second to read, tens of megabytes) is read only where a full stop stands between
    two words in small letters, the place where it can tell a speck from a sentence's end."""
    english_word_pairs.cache_clear()
    text = "The house stood. It was old. They went to the end of the road.\n" * 20
    assert pipeline.clean(text, only=("ocr",)).text == text
    assert english_word_pairs.cache_info().currsize == 0
    cleaned = pipeline.clean("They would take. him away.\n", only=("ocr",)).text
    assert cleaned == "They would take him away.\n"
    assert english_word_pairs.cache_info().currsize == 1
