"""The furniture stage: invariants on random page layouts, and what it does to the sample scan."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.core import changelog
from pipeline.core.document import PAGE_BREAK
from tests.conftest import SAMPLE

ONLY = ("furniture",)

BODY_LINE = "Body text runs on."
LINE = st.sampled_from(
    [
        BODY_LINE,
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


# Words that make each body line different, as lines of running prose are.
WORDS = [
    "apples",
    "bridges",
    "candles",
    "doors",
    "engines",
    "fields",
    "gardens",
    "harbours",
    "islands",
    "judges",
    "kettles",
]


@st.composite
def scans(draw: st.DrawFn) -> str:
    """Texts made of body lines, furniture-like lines, blank runs and form feeds, in any order."""
    pieces = draw(st.lists(PIECE, max_size=40))
    words = iter(f"{first} and {second}" for second in WORDS for first in WORDS)
    pieces = [f"Body text about {next(words)}." if piece == BODY_LINE else piece for piece in pieces]
    return "\n".join(pieces) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(LINE, PIECE), max_size=40))
# Found by a random run: a header past a page number that stays was removed with the blank line after it,
# which the page break's edit also took (two applied edits overlapping: the run stopped with an error).
@example(["THE HISTORY OF ROME", "\f", "- 12 -", "", "THE HISTORY OF ROME", "", "\f", "THE HISTORY OF ROME"])
def test_restore_gives_back_any_scan_even_one_repeating_its_body_lines(pieces: list[str]) -> None:
    raw = "\n".join(pieces)
    result = pipeline.clean(raw, only=ONLY)
    assert changelog.restore(result.text, result.changes) == raw


@settings(max_examples=300, deadline=None)
@given(scans())
# A running header removed below the first page's only line, before a page marker: the blank line above
# it went with it, or the second run took it into the page break.
@example(
    "- 12 -\n\nTHE HISTORY OF ROME\n[Page 4]\nTHE HISTORY OF ROME\nBody text about apples and apples.\n"
    "Body text about bridges and apples.\nBody text about candles and apples.\n\x0c\nTHE HISTORY OF ROME"
)
@example("\nCopyright: Xxxx\n\nCopyright: Xxxx")  # the blank line between goes with the first line only
# Blank pages at the end, which the output leaves out: they counted against a header's recurrence, so a
# second run, without them, found the header the first had not.
@example(
    "Body text about apples and apples.\nBody text about bridges and apples.\n[Page 4]\nTHE HISTORY OF ROME\n"
    "[Page 4]\nTHE HISTORY OF ROME\n[Page 4]\nBody text about candles and apples.\n[Page 4]\n"
    "Body text about doors and apples.\nBody text about engines and apples.\n\x0c\n\x0c"
)
# Boilerplate lines at a page's top took places of its edge: removed, they let the next line in, so a
# second run found a header the first had not.
@example(
    "Body text about apples and apples.\n[Page 4]\nBody text about bridges and apples.\nTHE HISTORY OF ROME\n"
    "THE HISTORY OF ROME\nTHE HISTORY OF ROME\n\x0c\nTHE HISTORY OF ROME\nTHE HISTORY OF ROME\n"
    "Copyright: Xxxx\nCopyright: Xxxx\nCopyright: Xxxx\nBody text about candles and apples."
)
def test_restore_gives_back_the_scan_and_a_second_run_changes_nothing(raw: str) -> None:
    """Idempotence holds for scans whose body lines differ from each other, as prose does: a line repeated
    verbatim at the edge of page after page is furniture to the stage, and removing some may reveal more."""
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


def test_look_alike_body_lines_at_page_ends_are_kept() -> None:
    """Found by the idempotence property above: body lines made on one pattern, one ending each page,
    were read as a running footer (`islands` on the first run, `harbours` on the second). Two lines of
    one page that nearly match (`same_page_similarity`) are the text's."""
    body = [f"Body text about {thing} and apples." for thing in ("apples", "bridges", "candles", "doors")]
    raw = "\n".join(
        [
            *body,
            "[Page 4]",
            "THE HISTORY OF ROME",
            "Body text about harbours and apples.",
            "Body text about islands and apples.",
            "\f",
            "Body text about judges and apples.",
            "Body text about apples and bridges.",
            "THE HISTORY OF ROME",
            "[Page 4]",
            "THE HISTORY OF ROME",
        ]
    )
    result = pipeline.clean(raw, only=ONLY)
    assert "Body text about islands and apples." in result.text
    assert pipeline.clean(result.text, only=ONLY).text == result.text
