"""The error rates, checked against values counted by hand."""

from __future__ import annotations

import math
import random

import pytest
from rapidfuzz.distance import Levenshtein

from pipeline.eval.align import align, blocks, distance, pieces, project_span, source_mask
from pipeline.eval.metrics import (
    ErrorRate,
    character_error_rate,
    confusions,
    graphemes,
    normalise,
    word_error_rate,
)


@pytest.mark.parametrize(
    ("gold", "ocr", "errors", "length"),
    [
        ("the king", "the king", 0, 8),
        ("the king", "tbe king", 1, 8),  # one substitution
        ("the king", "the kng", 1, 8),  # one deletion
        ("the king", "the kiing", 1, 8),  # one insertion
        ("modern", "modem", 2, 6),  # rn read as m: a substitution and a deletion
        ("Iosif Stalin", "losif Sta1in", 2, 12),
        ("abc", "", 3, 3),
        ("", "", 0, 0),
    ],
)
def test_character_error_rate_counted_by_hand(gold: str, ocr: str, errors: int, length: int) -> None:
    rate = character_error_rate(gold, ocr)
    assert (rate.errors, rate.length) == (errors, length)
    assert rate.rate == pytest.approx(errors / length if length else 0.0)


@pytest.mark.parametrize(
    ("gold", "ocr", "errors", "length"),
    [
        ("the king was glad", "the king was glad", 0, 4),
        ("the king was glad", "tbe king was glad", 1, 4),
        ("the king was glad", "the kingwas glad", 2, 4),  # one merged word: a substitution and a deletion
        ("hereof, and", "hereof and", 1, 3),  # the comma is a word of its own
        ("twenty-seven men", "twenty-seven men", 0, 2),
    ],
)
def test_word_error_rate_counted_by_hand(gold: str, ocr: str, errors: int, length: int) -> None:
    rate = word_error_rate(gold, ocr)
    assert (rate.errors, rate.length) == (errors, length)


def test_empty_reference_is_zero_when_both_are_empty_and_infinite_otherwise() -> None:
    assert character_error_rate("", "") == ErrorRate(0.0, 0, 0)
    assert character_error_rate("", "x").rate == math.inf
    assert word_error_rate("", "a b").errors == 2
    assert ErrorRate.total([ErrorRate.of(2, 0), ErrorRate.of(0, 8)]) == ErrorRate(0.25, 2, 8)


def test_grapheme_clusters_count_once_and_nfc_makes_spellings_equal() -> None:
    decomposed, composed = "Cafe\u0301", "Caf\u00e9"
    assert len(graphemes(decomposed)) == 4
    assert character_error_rate(composed, decomposed).errors == 0
    # A base letter with two combining marks is one character: losing one mark is one error.
    assert character_error_rate("a\u0323\u0302b", "a\u0323b") == ErrorRate(0.5, 1, 2)
    # A flag (two regional indicators) and a family emoji are single clusters.
    assert len(graphemes("\U0001f1ec\U0001f1e7\U0001f468\u200d\U0001f469\u200d\U0001f467")) == 2


def test_whitespace_and_line_end_hyphens_are_layout_unless_asked_for() -> None:
    gold = "parish of Thorns-\nhope, near\nMount Lambie"
    reflowed = "parish of Thornshope, near Mount Lambie"
    assert character_error_rate(gold, reflowed).errors == 0
    assert character_error_rate(gold, "parish  of\tThornshope,\n\nnear Mount Lambie ").errors == 0
    assert character_error_rate(gold, reflowed, layout=True).errors == 3  # '-', '\n' twice as ' '
    assert word_error_rate(gold, reflowed).errors == 0
    # A hyphen before a capital or a digit is not a soft line-end hyphen.
    assert normalise("Anglo-\nSaxon") == "Anglo- Saxon"


def test_confusions_group_adjacent_operations() -> None:
    assert confusions("modern times in the town", "modem times in tbe tovvn") == {
        ("rn", "m"): 1,
        ("h", "b"): 1,
        ("w", "vv"): 1,
    }


def test_alignment_pairs_and_projection() -> None:
    assert list(align(["the", "king"], ["tbe", "king"])) == [("the", "tbe"), ("king", "king")]
    aligned = blocks("the kingwas glad", "the king was glad")
    assert project_span(aligned, 4, 11) == (4, 12)  # 'kingwas' -> 'king was'
    assert project_span(aligned, 0, 3) == (0, 3)
    assert project_span(blocks("", "abc"), 0, 0) == (0, 3)
    assert source_mask(blocks("##ab##", "ab"), 2, [True, True, False, False, True, True]) == [False, False]


def test_long_texts_are_aligned_between_anchors_with_the_exact_distance() -> None:
    rng = random.Random(7)
    vocabulary = ["the", "king", "was", "glad", "hereof", "and", "caused", "combatants", "brought", "Fryer"]
    gold = " ".join(rng.choice(vocabulary) + str(rng.randrange(1000)) for _ in range(6000))
    ocr = "".join(
        rng.choice("ilrnm") if char.isalpha() and rng.random() < 0.05 else char
        for char in gold
        if rng.random() > 0.01
    )
    assert len(pieces(gold, ocr)) >= 5
    assert distance(gold, ocr) == Levenshtein.distance(gold, ocr)
    aligned = blocks(gold, ocr)
    assert sum(max(b - a, d - c) for tag, a, b, c, d in aligned if tag != "equal") == distance(gold, ocr)
