"""Invariants of the typography stage on any text, and its rules errors."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.core import changelog
from pipeline.core.edits import Span, overlaps_any, span_bounds
from pipeline.stages.typography import runs_of
from tests.conftest import assert_rule_error

# Text made of what the stage works on: quote marks, apostrophes, dashes, spaces, line breaks, letters,
# and what makes a line look like code (=, {) or garbled (/\).
ALPHABET = st.sampled_from(list("ab5 \n\n\t-\"'“”‘’™„«»—.,:?()\u00a0={/\\"))
TEXT = st.text(ALPHABET, max_size=60)
OVERRIDE_SETS = (
    (),
    ("typography.style=straight",),
    ("typography.spaces.keep_nbsp=false", "typography.dashes.number_ranges='en-dash'"),
    ("typography.dashes.em_dash_spacing='closed'",),
)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.sampled_from(OVERRIDE_SETS))
@example("a‘--a", ())  # found by a random run: the dash waited for the quote to be turned, a run later
def test_restorable_and_idempotent(text: str, overrides: tuple[str, ...]) -> None:
    result = pipeline.clean(text, only=("typography",), overrides=overrides)
    assert changelog.restore(result.text, result.changes) == text
    assert pipeline.clean(result.text, only=("typography",), overrides=overrides).text == result.text


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_applied_changes_touch_only_typographic_characters(text: str) -> None:
    """Every change the stage applies swaps a typographic character for another, or removes spaces."""
    result = pipeline.clean(text, only=("typography",))
    for change in result.changes:
        if change.stage == "typography" and change.applied:
            assert set(change.before) | set(change.after) <= set("\"'“”‘’™-—– \t\u00a0\u202f\u2007")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("typography.style=fancy", "'style' must be one of curly, straight"),
        ("typography.styles.curly.open_double='<<'", "'styles.curly.open_double' must be one character"),
        ("typography.dashes.em_dash_spacing='wide'", "'dashes.em_dash_spacing' must be one of"),
        ("typography.dashes.number_ranges=true", "'dashes.number_ranges' must be a string"),
        ("typography.spaces.column_gap=1", "'spaces.column_gap' must be at least 2, not 1"),
        ("typography.quotes.elisions=['(']", "'quotes.elisions' is not a valid pattern"),
    ],
)
def test_bad_rules_are_a_clear_error(override: str, message: str) -> None:
    assert_rule_error(override, message, "x")


def test_a_style_of_ones_own() -> None:
    """A user's style (here German quotes) needs only its characters in the rules."""
    german = tuple(
        f"typography.styles.german.{role}='{char}'"
        for role, char in zip(
            ("open_double", "close_double", "open_single", "close_single", "apostrophe"), "„“‚‘’", strict=True
        )
    )
    result = pipeline.clean(
        'Er sagte "nein" und ging.', only=("typography",), overrides=(*german, "typography.style=german")
    )
    assert result.text == "Er sagte „nein“ und ging.\n"


# Sorted spans that do not overlap (they may touch, or be empty), as code lines and dash edits are.
SPANS = st.lists(st.integers(0, 30), max_size=10).map(
    lambda cuts: list(zip(sorted(cuts)[::2], sorted(cuts)[1::2], strict=False))
)


@settings(max_examples=500, deadline=None)
@given(SPANS, st.integers(0, 32), st.integers(0, 4))
def test_a_span_is_inside_exactly_when_it_overlaps_one(spans: list[Span], start: int, length: int) -> None:
    end = start + length
    overlaps = any(first < max(end, start + 1) and start < last for first, last in spans)
    assert overlaps_any(span_bounds(spans), start, end) == overlaps


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab'’\"”"), max_size=30))
def test_runs_of_marks_are_the_maximal_runs(text: str) -> None:
    marks = "'’"
    runs = runs_of(text, marks)
    assert [position for start, end in runs for position in range(start, end)] == [
        position for position, char in enumerate(text) if char in marks
    ]
    assert all(
        start < end
        and (start == 0 or text[start - 1] not in marks)
        and (end == len(text) or text[end] not in marks)
        for start, end in runs
    )
