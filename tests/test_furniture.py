"""The furniture stage: invariants on random page layouts, and what it does to the sample scan."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.core import changelog
from pipeline.core.document import PAGE_BREAK
from tests.conftest import SAMPLE

ONLY = ("furniture",)

LINE = st.sampled_from(
    [
        "Body text runs on.",
        "THE HISTORY OF ROME",
        "- 12 -",
        "xiv",
        "Page 3 of 9",
        "1937.",
        "[Page 4]",
        "<<5>>",
    ]
)
PIECE = st.one_of(LINE, st.sampled_from(["", "", "\f", " \f", "Copyright: Xxxx", "  "]))


@st.composite
def scans(draw: st.DrawFn) -> str:
    """Texts made of body lines, furniture-like lines, blank runs and form feeds, in any order."""
    return "\n".join(draw(st.lists(PIECE, max_size=40))) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=300, deadline=None)
@given(scans())
def test_restore_gives_back_the_scan_and_a_second_run_changes_nothing(raw: str) -> None:
    result = pipeline.clean(raw, only=ONLY)
    assert changelog.restore(result.text, result.changes) == raw
    assert pipeline.clean(result.text, only=ONLY).text == result.text


@settings(max_examples=300, deadline=None)
@given(scans())
def test_every_page_break_written_is_a_line_of_its_own(raw: str) -> None:
    text = pipeline.clean(raw, only=ONLY).text
    written = text.count(PAGE_BREAK) - raw.count(PAGE_BREAK)
    lines = text.split("\n")
    assert written <= 0 or all(line == PAGE_BREAK for line in lines if PAGE_BREAK in line and line.strip())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["A line of prose.", "Another one, 1937.", "12", ""]), max_size=30))
def test_text_without_page_breaks_or_boilerplate_passes_untouched(lines: list[str]) -> None:
    # At most one blank line between paragraphs: no page breaks.
    raw = re.sub(r"\n{3,}", "\n\n", "\n".join(lines) + "\n")
    result = pipeline.clean(raw, only=ONLY)
    assert not [change for change in result.changes if change.stage == "furniture"]


def test_the_sample_loses_its_copyright_line_to_a_named_rule_and_no_body_line() -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    result = pipeline.clean(raw, only=ONLY)
    removed = [
        change.before.strip()
        for change in result.changes
        if change.applied and change.stage == "furniture" and change.before.strip()
    ]
    assert removed == ["Copyright: Xxxx"]
    assert [c.rule for c in result.changes if "Copyright" in c.before] == ["furniture/boilerplate-copyright"]
    kept = [line for line in raw.splitlines() if line.strip() and "Copyright: Xxxx" not in line]
    assert [line for line in result.text.splitlines() if line.strip() and line != PAGE_BREAK] == kept


def test_the_sample_breaks_into_pages_at_its_runs_of_three_blank_lines() -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    result = pipeline.clean(raw, only=ONLY)
    breaks = [change for change in result.changes if change.rule == "furniture/page-break"]
    assert len(breaks) == result.text.count(f"\n{PAGE_BREAK}\n") == raw.rstrip().count("\n\n\n\n")
    assert [change.page for change in breaks] == list(range(1, len(breaks) + 1))
