"""Reading a text again with its repairs made, until a reading repairs nothing more.

A stage whose verdicts depend on the words around a word and on the document's own statistics finds more
to do once its repairs are made (`hold` beside a word it has just repaired reads as `held`). Running the
pipeline on its own output must change nothing, so such a stage reads its own result again, and again,
until a reading applies no edit; the edits of all readings are then given as edits of the text the stage
received, so the core logs each with its raw position as usual.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import replace

from pipeline.core.edits import Edit, splice, splice_parts


def settle(text: str, read: Callable[[str], list[Edit]], readings: int) -> list[Edit]:
    """The edits of ``read`` on ``text``, read again with its applied edits made until a reading applies
    nothing (at most ``readings`` readings), as edits of ``text``: an edit of a later reading that meets
    an earlier one's replacement is merged with it, and the suggestions are those of the last reading.

    >>> def read(text):  # one repair a reading, each seen only once the one before it is made
    ...     for wrong, right in (("tbe", "the"), ("tho end", "the end")):
    ...         if wrong in text:
    ...             at = text.index(wrong)
    ...             return [Edit(at, at + len(wrong), right, "repair")]
    ...     return [Edit(0, 1, "A", "capital", applied=False)]
    >>> [(e.start, e.end, e.replacement, e.applied) for e in settle("a tbe tho end", read, 4)]
    [(0, 1, 'A', False), (2, 5, 'the', True), (6, 13, 'the end', True)]
    >>> [(e.start, e.end, e.replacement) for e in settle("a tbe tho end", read, 1)]
    [(2, 5, 'the')]
    """
    made = _MadeEdits()
    edits = read(text)
    for _ in range(readings - 1):
        applied = sorted((edit for edit in edits if edit.applied), key=_span)
        if not applied:
            return sorted([*made.edits(), *(made.original(edit, text) for edit in edits)], key=_span)
        made.add(applied, text)
        parts = splice_parts(text, [(edit.start, edit.end, edit.replacement) for edit in applied])
        # This copy of the text goes before the next is joined (the caller keeps the one it passed):
        # two copies of a large text at the peak, not three.
        del text
        text = "".join(parts)
        del parts
        edits = read(text)
    made.add(sorted((edit for edit in edits if edit.applied), key=_span), text)
    return made.edits()


class _MadeEdits:
    """The applied edits so far, as edits of the original text, and the map from the current text back."""

    def __init__(self) -> None:
        self._made: list[Edit] = []  # sorted, non-overlapping, on the original text
        self._starts: list[int] = []  # where each one's replacement starts in the current text
        self._ends: list[int] = []  # and ends
        self._shifts: list[int] = []  # how much longer the current text is, up to each one's end

    def edits(self) -> list[Edit]:
        return list(self._made)

    def add(self, edits: list[Edit], text: str) -> None:
        """Take in one reading's applied edits: sorted, non-overlapping spans of the current ``text``,
        which they change. Edits that meet the same made edit become one edit with it."""
        kept: list[Edit] = []
        position = 0
        group: list[Edit] = []
        group_low = group_high = 0
        for edit in [*edits, None]:
            if edit is not None:
                low, high = self._covered(edit)
                if group and low < group_high:  # meets a made edit the group meets too
                    group.append(edit)
                    group_high = max(group_high, high)
                    continue
            if group:
                kept += self._made[position:group_low]
                kept.append(self._merged(group, text, group_low, group_high))
                position = max(position, group_high)
            if edit is not None:
                group, group_low, group_high = [edit], low, high
        kept += self._made[position:]
        self._made = kept
        self._starts, self._ends, self._shifts, shift = [], [], [], 0
        for made in kept:
            self._starts.append(made.start + shift)
            self._ends.append(made.start + shift + len(made.replacement))
            shift += len(made.replacement) - (made.end - made.start)
            self._shifts.append(shift)

    def original(self, edit: Edit, text: str) -> Edit:
        """An edit of the current ``text`` as an edit of the original (merged with the made edits it
        meets)."""
        return self._merged([edit], text, *self._covered(edit))

    def _merged(self, edits: list[Edit], text: str, low: int, high: int) -> Edit:
        """Edits of the current ``text`` and the made edits ``low:high`` they meet, as one edit of the
        original: the made edits' spans join theirs, and what the made edits wrote outside them stays.
        It carries the last edit's rule, confidence and note."""
        first, last = edits[0], edits[-1]
        if low == high:  # meets none: only moved
            start = self._original_start(first.start)
            return replace(last, start=start, end=self._original_end(first.end))
        current_start = min(first.start, self._starts[low])
        current_end = max(last.end, self._ends[high - 1])
        written = splice(
            text[current_start:current_end],
            [(edit.start - current_start, edit.end - current_start, edit.replacement) for edit in edits],
        )
        earlier = self._made[low]
        note = f"{last.note}; read again after {earlier.rule}: {earlier.note}" if last.note else last.note
        return replace(
            last,
            start=min(earlier.start, self._original_start(first.start)),
            end=max(self._made[high - 1].end, self._original_end(last.end)),
            replacement=written,
            note=note,
        )

    def _covered(self, edit: Edit) -> tuple[int, int]:
        """The made edits (a range of indexes) whose replacement the edit overlaps in the current text."""
        low = bisect_right(self._ends, edit.start)
        return low, max(low, bisect_left(self._starts, edit.end))

    def _original_start(self, position: int) -> int:
        """Where an edit starting at ``position`` of the current text starts in the original."""
        before = bisect_right(self._ends, position)
        return position - (self._shifts[before - 1] if before else 0)

    def _original_end(self, position: int) -> int:
        """Where an edit ending at ``position`` of the current text ends in the original."""
        before = bisect_left(self._starts, position)
        return position - (self._shifts[before - 1] if before else 0)


def _span(edit: Edit) -> tuple[int, int]:
    return edit.start, edit.end
