"""Invariants of the core, whatever the stages do: nothing is lost, every change points at its origin."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core import changelog
from pipeline.core.document import Document
from pipeline.core.edits import Edit

ALPHABET = st.sampled_from(list("ab \n\f-éЖ\u00ad\ufeff"))
TEXT = st.text(ALPHABET, max_size=40)


@st.composite
def stage_edits(draw: st.DrawFn, text: str) -> list[Edit]:
    """Random edits over ``text``: replacements, insertions, deletions and suggestions, some touching."""
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        edits.append(Edit(start, end, draw(TEXT.map(lambda s: s[:5])), "random", applied=draw(st.booleans())))
    return edits


@st.composite
def runs(draw: st.DrawFn) -> tuple[Document, list[str]]:
    """A document after several stages of random edits, with the text each stage received."""
    document = Document(draw(TEXT))
    inputs = []
    for stage in ("input", "encoding", "reflow", "typography"):
        inputs.append(document.text)
        document.apply(stage, draw(stage_edits(document.text)))
    return document, inputs


@settings(max_examples=400)
@given(runs())
def test_restore_rebuilds_the_raw_text_exactly(run: tuple[Document, list[str]]) -> None:
    document, _ = run
    assert changelog.restore(document.text, document.changes) == document.raw


@settings(max_examples=400)
@given(runs())
def test_restore_from_the_written_log_rebuilds_the_raw_text(run: tuple[Document, list[str]]) -> None:
    document, _ = run
    head = changelog.header(
        source="x",
        source_sha256=None,
        raw_sha256=changelog.sha256_text(document.raw),
        cleaned_sha256=changelog.sha256_text(document.text),
    )
    parsed_head, parsed = changelog.parse(changelog.dump(head, document.located_changes()))
    assert changelog.restore(document.text, parsed, parsed_head) == document.raw


@settings(max_examples=400)
@given(runs())
def test_every_change_points_at_what_it_replaced(run: tuple[Document, list[str]]) -> None:
    document, inputs = run
    stage_input = dict(zip(("input", "encoding", "reflow", "typography"), inputs, strict=True))
    for change in document.changes:
        received = stage_input[change.stage]
        assert received[change.at : change.at + len(change.before)] == change.before
        assert 0 <= change.raw_start <= change.raw_end <= len(document.raw)
        if change.stage == "input":
            # Nothing changed before the first stage: its raw span is exactly what it replaced.
            assert document.raw[change.raw_start : change.raw_end] == change.before


@settings(max_examples=300)
@given(runs())
def test_raw_text_outside_all_changes_survives_in_order(run: tuple[Document, list[str]]) -> None:
    """Untouched raw characters appear in the cleaned text in order, and their raw spans cover the rest."""
    document, _ = run
    covered = [False] * len(document.raw)
    for change in document.changes:
        if change.applied:
            for offset in range(change.raw_start, change.raw_end):
                covered[offset] = True
    untouched = "".join(char for char, hit in zip(document.raw, covered, strict=True) if not hit)
    remaining = iter(document.text)
    assert all(char in remaining for char in untouched)


def test_an_edit_inside_an_earlier_change_is_widened_to_all_of_it() -> None:
    document = Document("ﬁne")
    document.apply("input", [Edit(0, 1, "fi", "ligature")])
    (change,) = document.apply("ocr", [Edit(1, 2, "l", "i-for-l")])
    assert (change.before, change.after, change.raw_start, change.raw_end) == ("fi", "fl", 0, 1)
    assert changelog.restore(document.text, document.changes) == "ﬁne"


def test_overlapping_applied_edits_are_a_stage_bug() -> None:
    import pytest

    from pipeline.core.errors import StageError

    with pytest.raises(StageError):
        Document("abcdef").apply("ocr", [Edit(0, 3, "x", "a"), Edit(2, 4, "y", "b")])


def test_suggestions_are_logged_but_leave_the_text_alone() -> None:
    document = Document("more more humane")
    (change,) = document.apply("ocr", [Edit(4, 9, "", "doubled-word", confidence=0.4, applied=False)])
    assert document.text == "more more humane"
    assert (change.applied, change.before, change.raw_start, change.raw_end) == (False, " more", 4, 9)


def test_low_confidence_edits_become_suggestions_and_reviewers_overrule() -> None:
    document = Document("tbe end")
    (change,) = document.apply("ocr", [Edit(0, 3, "the", "tbe", confidence=0.3)], min_confidence=0.5)
    assert not change.applied and "confidence" in change.note
    accepted = Document("tbe end")
    accepted.apply(
        "ocr", [Edit(0, 3, "the", "tbe", confidence=0.3)], min_confidence=0.5, decisions={change.id: True}
    )
    assert accepted.text == "the end"


def test_change_ids_stay_when_unrelated_text_changes() -> None:
    first = Document("Intro.\n\nlosif Stalin spoke.")
    second = Document("A longer, different intro.\n\nlosif Stalin spoke.")
    (a,) = first.apply("ocr", [Edit(8, 9, "I", "l-for-I")])
    (b,) = second.apply("ocr", [Edit(28, 29, "I", "l-for-I")])
    assert a.id == b.id
