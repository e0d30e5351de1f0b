"""Reading again until nothing changes: the edits given back make, on the text received, what the readings
made one after another."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.edits import Edit, splice
from pipeline.core.settle import settle

SHORT = st.text(alphabet="abc ", min_size=1, max_size=3)
RULES = st.lists(st.tuples(SHORT, st.text(alphabet="abcd ", max_size=3)), min_size=1, max_size=4)


def rewriter(rules: list[tuple[str, str]]) -> Callable[[str], list[Edit]]:
    """A reading that rewrites every occurrence of each rule's left side (left to right, not
    overlapping), and suggests capitalising the first letter."""

    def read(text: str) -> list[Edit]:
        edits, position = [], 0
        while position < len(text):
            for wrong, right in rules:
                if text.startswith(wrong, position) and wrong != right:
                    edits.append(Edit(position, position + len(wrong), right, "rewrite"))
                    position += len(wrong)
                    break
            else:
                position += 1
        return [*edits, Edit(0, min(1, len(text)), text[:1].upper(), "capital", applied=False)]

    return read


def read_in_turn(text: str, read: Callable[[str], list[Edit]], readings: int) -> str:
    """What reading again and again makes of the text, the plain way."""
    for _ in range(readings):
        applied = [(e.start, e.end, e.replacement) for e in read(text) if e.applied]
        if not applied:
            break
        text = splice(text, applied)
    return text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcd ", max_size=30), RULES, st.integers(min_value=1, max_value=4))
def test_the_edits_given_back_make_what_the_readings_made(
    text: str, rules: list[tuple[str, str]], readings: int
) -> None:
    read = rewriter(rules)
    edits = settle(text, read, readings)
    applied = [edit for edit in edits if edit.applied]
    spans = [(edit.start, edit.end) for edit in applied]
    assert spans == sorted(spans)
    assert all(end <= start for (_, end), (start, _) in pairwise(spans)), "applied edits overlap"
    made = splice(text, [(edit.start, edit.end, edit.replacement) for edit in applied])
    assert made == read_in_turn(text, read, readings)


def test_a_suggestion_over_a_repaired_word_is_given_over_the_word_received() -> None:
    read = rewriter([("tbe", "the")])
    edits = settle("tbe end", read, 3)
    assert [(e.start, e.end, e.replacement, e.applied) for e in edits] == [
        (0, 3, "the", True),
        (0, 3, "The", False),
    ]
