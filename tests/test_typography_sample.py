"""The sample scan through `typography`: every double quote paired, nothing but typography changed.

Run on the stage alone (``only=typography``, paragraphs still span lines) and in the full pipeline, in
both styles. Quotations may run over a line break, so the pairs are looked for with whitespace folded.
"""

from __future__ import annotations

import re

import pytest

import pipeline
from pipeline.api import Result
from tests.conftest import SAMPLE

PAIRS = ("torture telegram", "Stalin Constitution", "11th Russian Edition", "special meeting", "parties")
STYLES = {"curly": ("“", "”", "’"), "straight": ('"', '"', "'")}
# What this stage may write or remove: quote marks, apostrophes, the trademark sign read for a quote,
# dashes and spaces. Nothing else in the sample may change.
TYPOGRAPHIC = set("\"'“”‘’™-—– \t\n")
RUNS = {"typography alone": {"only": ("typography",)}, "full pipeline": {}}


@pytest.fixture(scope="module", params=[(run, style) for run in RUNS for style in STYLES], ids=str)
def cleaned(request: pytest.FixtureRequest) -> tuple[str, str, Result]:
    run, style = request.param
    raw = SAMPLE.read_text(encoding="utf-8")
    return run, style, pipeline.clean(raw, overrides=(f"typography.style={style}",), **RUNS[run])


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_named_quotations_are_paired(cleaned: tuple[str, str, Result]) -> None:
    _, style, result = cleaned
    opening, closing, apostrophe = STYLES[style]
    text = folded(result.text)
    for words in PAIRS:
        assert f"{opening}{words}{closing}" in text
    assert f"scum{apostrophe}s advantage" in text


def test_every_double_quote_opens_and_closes_in_pairs(cleaned: tuple[str, str, Result]) -> None:
    _, style, result = cleaned
    opening, closing, _ = STYLES[style]
    for paragraph in re.split(r"\n[ \t]*\n", result.text):
        marks = [char for char in paragraph if char in '"“”™']
        if style == "curly":
            assert marks == [opening, closing] * (len(marks) // 2), paragraph
        else:
            assert marks == ['"'] * len(marks) and len(marks) % 2 == 0, paragraph


def test_the_sample_cases_the_lead_named(cleaned: tuple[str, str, Result]) -> None:
    _, style, result = cleaned
    opening, closing, _ = STYLES[style]
    text = folded(result.text)
    assert f"A {opening}special meeting{closing} was held" in text
    assert f"{opening}Stalin Electoral District,{closing} was chosen" in text
    assert f"{opening}race.{closing} The" in text
    assert f"misprint for {opening}parties{closing} — GF]" in text


def test_hyphens_that_are_no_dashes_are_kept() -> None:
    text = pipeline.clean(SAMPLE.read_text(encoding="utf-8"), only=("typography",)).text
    assert "[typed, not signed- GF]" in text  # a hyphen glued to a word is not a dash
    assert "pp. 79-83" in text and "10/1.-39" in text  # ranges and dates keep their hyphen by default
    assert "Anglo-\nAmerican" in text  # a hyphen at a line end is reflow's


def test_no_other_character_is_changed_by_this_stage(cleaned: tuple[str, str, Result]) -> None:
    _, _, result = cleaned
    changes = [change for change in result.changes if change.stage == "typography"]
    assert changes
    for change in changes:
        if change.applied:
            assert set(change.before) | set(change.after) <= TYPOGRAPHIC, change


def test_alone_the_stage_changes_only_typographic_characters() -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    text = pipeline.clean(raw, only=("typography",)).text
    letters = "".join(char for char in raw if char not in TYPOGRAPHIC)
    assert "".join(char for char in text if char not in TYPOGRAPHIC) == letters


def test_the_slash_garble_is_suggested_not_applied(cleaned: tuple[str, str, Result]) -> None:
    _, _, result = cleaned
    garble = [change for change in result.changes if change.rule == "typography/garble-slash"]
    assert [(change.before, change.applied) for change in garble] == [("/\\", False)]
    assert "Sochineniia/\\Works" in result.text


def test_cleaning_the_output_again_changes_nothing(cleaned: tuple[str, str, Result]) -> None:
    run, style, result = cleaned
    again = pipeline.clean(result.text, overrides=(f"typography.style={style}",), **RUNS[run])
    assert again.text == result.text
