"""Reflow works a large scan a group of lines at a time: its edits are those of the whole text at once."""

from __future__ import annotations

from functools import partial
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.edits import Edit
from pipeline.core.large_text import line_pieces
from pipeline.core.settings import Settings
from pipeline.stages import reflow
from tests.test_reflow_properties import SCAN
from tests.typeset import Layout, sample_paragraphs, typeset

WHOLE = 10**9  # more lines than any test text: one group
OPTIONS = st.sampled_from([(), ("reflow.wrap=30",), ("reflow.dehyphenate.document_lookups=1",)])


def _edits(text: str, overrides: tuple[str, ...], group_lines: int) -> list[Edit]:
    """The stage's edits in the order the core applies them (by span; the order of a span's edits kept)."""
    rules = reflow.load_reflow_rules(Settings(overrides=overrides).rules("reflow"))
    return sorted(reflow.reflow(text, rules, group_lines), key=lambda edit: (edit.start, edit.end))


@settings(max_examples=150, deadline=None)
@given(SCAN, OPTIONS, st.integers(1, 4))
def test_edits_of_groups_are_those_of_the_whole_text(
    raw: str, overrides: tuple[str, ...], lines: int
) -> None:
    assert _edits(raw, overrides, lines) == _edits(raw, overrides, WHOLE)


@settings(max_examples=60, deadline=None)
@given(SCAN, st.integers(1, 40))
def test_edits_do_not_depend_on_the_slices_the_text_is_read_in(raw: str, slice_chars: int) -> None:
    whole = _edits(raw, (), WHOLE)
    with mock.patch.object(reflow, "line_pieces", partial(line_pieces, size=slice_chars)):
        assert _edits(raw, (), 1) == whole


def test_a_typeset_scan_in_groups_gives_the_edits_of_the_whole() -> None:
    """Real paragraphs on pages of 25 lines, a blank line between paragraphs (a group each): lines and
    page breaks joined, words broken at line ends decided with few look-ups in the document."""
    raw = typeset(sample_paragraphs(), Layout(60, "blank", 25)).text
    overrides = ("reflow.dehyphenate.document_lookups=3",)
    grouped = _edits(raw, overrides, 1)
    assert grouped == _edits(raw, overrides, WHOLE)
    assert raw.count("\n\n") > 10
    assert {"join-line", "join-page-break", "dehyphenate"} <= {edit.rule for edit in grouped}


def test_suggested_joins_of_groups_are_those_of_the_whole_text() -> None:
    """Lines neither short nor full: their joins are only suggested, and decided after every join."""
    full = "the committee of the party met on the day and heard the report of its secretary\n" * 8
    raw = (
        f"{full}the committee heard the report of the secretaries and the co-\n\n\f\nSeptember 22, 2007\n\n"
        f"{full}the committee heard the report of the secretary and Comrade\n"
        "Kaganovich spoke of the plan of the party for the coming year and after\n"
    )
    grouped = _edits(raw, (), 1)
    assert grouped == _edits(raw, (), WHOLE)
    assert [edit.rule for edit in grouped if not edit.applied] == ["keep-compound-hyphen", "join-line"]
