"""The document a run works on: the decoded raw text, the current text and the map between them.

Stages never change ``Document.text`` themselves: they return ``Edit``s and ``Document.apply`` splices
them in, records a ``Change`` for each and keeps the offset map, so every change knows where in the raw
text it came from.

Conventions stages rely on:

- A page break in the current text is a form feed (``PAGE_BREAK``) on a line of its own; the input stage
  keeps the scan's form feeds and the furniture stage writes one where it finds a page break.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pipeline.core.edits import Change, Edit, splice
from pipeline.core.errors import StageError

PAGE_BREAK = "\f"

# How many raw characters either side of a change, within its line, go into its id: enough to tell apart
# two identical fixes, few enough that an unrelated change elsewhere leaves the id alone.
_ID_CONTEXT = 24

# A piece of the offset map: current span [cur_start, cur_end) came from raw span [raw_start, raw_end).
# A copied piece is untouched raw text (equal lengths); a replaced piece is the output of a change.
_Piece = tuple[int, int, int, int, bool]


class _Pieces:
    """The pieces of an offset map in flat arrays: 33 bytes a piece, where a tuple of int objects takes
    over 200 (a scan with a change every line holds a piece or two a line)."""

    __slots__ = ("copied", "cur_ends", "cur_starts", "raw_ends", "raw_starts")

    def __init__(self) -> None:
        self.cur_starts = array("q")
        self.cur_ends = array("q")
        self.raw_starts = array("q")
        self.raw_ends = array("q")
        self.copied = bytearray()

    def append(self, piece: _Piece) -> None:
        cur_start, cur_end, raw_start, raw_end, copied = piece
        self.cur_starts.append(cur_start)
        self.cur_ends.append(cur_end)
        self.raw_starts.append(raw_start)
        self.raw_ends.append(raw_end)
        self.copied.append(copied)

    def extend_shifted(self, other: _Pieces, start: int, stop: int, shift: int) -> None:
        """Append ``other``'s pieces ``start`` to ``stop``, their current spans moved by ``shift``."""
        if start >= stop:
            return
        self.cur_starts.extend([offset + shift for offset in other.cur_starts[start:stop]])
        self.cur_ends.extend([offset + shift for offset in other.cur_ends[start:stop]])
        self.raw_starts.extend(other.raw_starts[start:stop])
        self.raw_ends.extend(other.raw_ends[start:stop])
        self.copied.extend(other.copied[start:stop])

    def __getitem__(self, index: int) -> _Piece:
        return (
            self.cur_starts[index],
            self.cur_ends[index],
            self.raw_starts[index],
            self.raw_ends[index],
            bool(self.copied[index]),
        )

    def __len__(self) -> int:
        return len(self.copied)


class OffsetMap:
    """Where each stretch of the current text came from in the raw text.

    >>> m = OffsetMap(10)
    >>> m.locate(2, 5)
    (2, 5, 2, 5)
    """

    def __init__(self, raw_length: int) -> None:
        self._raw_length = raw_length
        pieces = _Pieces()
        pieces.append((0, raw_length, 0, raw_length, True))
        self._set(pieces)

    def _set(self, pieces: _Pieces) -> None:
        self._pieces = pieces
        self._cur_starts = pieces.cur_starts
        self._cur_ends = pieces.cur_ends

    def locate(self, start: int, end: int) -> tuple[int, int, int, int]:
        """Return ``(start, end, raw_start, raw_end)``, the span widened to whole earlier changes.

        A span that cuts into the output of an earlier change is widened to cover all of it, so that every
        change replaces whole pieces and its raw span says exactly what it stands for.
        """
        if start == end:
            return self._locate_point(start)
        start, raw_start = self._locate_start(start)
        end, raw_end = self._locate_end(end)
        return start, end, raw_start, raw_end

    def _locate_point(self, position: int) -> tuple[int, int, int, int]:
        index = bisect_right(self._cur_ends, position)
        if index == len(self._pieces):
            return position, position, self._raw_length, self._raw_length
        cur_start, cur_end, raw_start, raw_end, copied = self._pieces[index]
        if copied:
            raw = raw_start + position - cur_start
            return position, position, raw, raw
        if position == cur_start:
            return position, position, raw_start, raw_start
        return cur_start, cur_end, raw_start, raw_end

    def _locate_start(self, position: int) -> tuple[int, int]:
        index = bisect_right(self._cur_ends, position)
        cur_start, _, raw_start, _, copied = self._pieces[index]
        if copied:
            return position, raw_start + position - cur_start
        return cur_start, raw_start

    def _locate_end(self, position: int) -> tuple[int, int]:
        index = bisect_left(self._cur_starts, position) - 1
        cur_start, cur_end, raw_start, raw_end, copied = self._pieces[index]
        if copied:
            return position, raw_start + position - cur_start
        return cur_end, raw_end

    def replace_spans(self, spans: Iterable[tuple[int, int, int, int, int]]) -> None:
        """Record applied changes: sorted ``(start, end, raw_start, raw_end, new_length)`` as located."""
        pieces = self._pieces
        out = _Pieces()
        shift = 0
        index = 0
        current: _Piece | None = None

        def next_piece() -> _Piece | None:
            nonlocal index
            if index == len(pieces):
                return None
            index += 1
            return pieces[index - 1]

        for start, end, raw_start, raw_end, new_length in spans:
            # Pieces that end at or before the change stay before it; a copied piece it cuts is split.
            while True:
                if current is None:
                    stop = bisect_right(pieces.cur_ends, start, index)
                    out.extend_shifted(pieces, index, stop, shift)
                    index = stop
                current = current or next_piece()
                if current is None:
                    break
                cur_start, cur_end, piece_raw_start, piece_raw_end, copied = current
                if cur_end <= start:
                    out.append((cur_start + shift, cur_end + shift, piece_raw_start, piece_raw_end, copied))
                    current = None
                    continue
                if cur_start < start:
                    cut = piece_raw_start + start - cur_start
                    out.append((cur_start + shift, start + shift, piece_raw_start, cut, True))
                    current = (start, cur_end, cut, piece_raw_end, True)
                break
            # Pieces inside the change are replaced by it; a copied piece running past its end is split.
            while start < end:
                current = current or next_piece()
                if current is None:
                    break
                cur_start, cur_end, piece_raw_start, piece_raw_end, copied = current
                if cur_start >= end:
                    break
                if cur_end <= end:
                    current = None
                    continue
                current = (end, cur_end, piece_raw_start + end - cur_start, piece_raw_end, True)
                break
            out.append((start + shift, start + shift + new_length, raw_start, raw_end, False))
            shift += new_length - (end - start)
        if current is not None:
            cur_start, cur_end, piece_raw_start, piece_raw_end, copied = current
            out.append((cur_start + shift, cur_end + shift, piece_raw_start, piece_raw_end, copied))
        out.extend_shifted(pieces, index, len(pieces), shift)
        self._set(out)


class Document:
    """A scan being cleaned: raw text, current text, offset map and the changes so far.

    >>> doc = Document("losif Stalin")
    >>> _ = doc.apply("ocr", [Edit(0, 1, "I", "l-for-I")])
    >>> doc.text, doc.changes[0].raw_start, doc.changes[0].before
    ('Iosif Stalin', 0, 'l')
    """

    def __init__(self, raw: str, name: str = "<text>") -> None:
        self.raw = raw
        self.text = raw
        self.name = name
        self.changes: list[Change] = []
        # Facts a stage reports for the log header (the input stage's encoding decision, for example).
        self.facts: dict[str, Any] = {}
        self._map = OffsetMap(len(raw))
        self._id_counts: dict[str, int] = {}
        self._page_starts: Sequence[int] | None = None
        self._line_starts: Sequence[int] | None = None

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span that ``text[start:end]`` stands for (widened to whole earlier changes)."""
        _, _, raw_start, raw_end = self._map.locate(start, end)
        return raw_start, raw_end

    def set_page_starts(self, raw_offsets: Iterable[int]) -> None:
        """Tell the document where raw pages begin (the furniture stage knows better than form feeds)."""
        self._page_starts = sorted(offset for offset in set(raw_offsets) if offset > 0)

    def raw_line(self, raw_offset: int) -> int:
        """1-based line of the raw text that ``raw_offset`` falls on."""
        if self._line_starts is None:
            self._line_starts = _offsets_after(self.raw, "\n", array("q", [0]))
        return bisect_right(self._line_starts, raw_offset)

    def page_starts(self) -> list[int]:
        """Raw offsets where pages 2, 3, ... begin: as the furniture stage found them, else form feeds."""
        return list(self._pages())

    def raw_page(self, raw_offset: int) -> int:
        """1-based page of the raw text that ``raw_offset`` falls on."""
        return bisect_right(self._pages(), raw_offset) + 1

    def _pages(self) -> Sequence[int]:
        if self._page_starts is None:
            self._page_starts = _offsets_after(self.raw, PAGE_BREAK)
        return self._page_starts

    def apply(
        self,
        stage: str,
        edits: Iterable[Edit],
        *,
        min_confidence: float = 0.0,
        decisions: Mapping[str, bool] | None = None,
    ) -> list[Change]:
        """Apply one stage's edits at once, record a change for each, and return those changes.

        Edits are checked: spans inside the text, applied edits not overlapping. An edit that cuts into an
        earlier change is widened to all of it. An applied edit below ``min_confidence``, or one that
        after widening collides with another, becomes a suggestion; ``decisions`` (change id to
        accepted/rejected, from review) overrule the stage.
        """
        text = self.text
        decisions = decisions or {}
        ordered = sorted(edits, key=lambda edit: (edit.start, edit.end))
        changes: list[Change] = []
        any_applied = False
        proposed_end = 0
        applied_end = 0
        rule_names: dict[str, str] = {}
        for edit in ordered:
            if not 0 <= edit.start <= edit.end <= len(text):
                raise StageError(f"{stage}/{edit.rule}: span {edit.start}:{edit.end} outside the text")
            if edit.applied and edit.start < proposed_end:
                raise StageError(f"{stage}/{edit.rule}: edit at {edit.start} overlaps another applied edit")
            if text[edit.start : edit.end] == edit.replacement:
                continue
            if edit.applied:
                proposed_end = edit.end
            start, end, raw_start, raw_end = self._map.locate(edit.start, edit.end)
            before = text[start:end]
            after = text[start : edit.start] + edit.replacement + text[edit.end : end]
            rule = rule_names.get(edit.rule)
            if rule is None:  # one string a rule, not one a change
                rule = rule_names[edit.rule] = f"{stage}/{edit.rule}"
            change_id = self._change_id(rule, before, after, raw_start, raw_end)
            applied, note = _decide(edit, decisions.get(change_id), min_confidence)
            if applied and start < applied_end:
                applied, note = False, _join_notes(note, "overlaps an earlier change of this stage")
            if applied:
                applied_end = end
                any_applied = True
            changes.append(
                Change(
                    id=change_id,
                    stage=stage,
                    rule=rule,
                    at=start,
                    raw_start=raw_start,
                    raw_end=raw_end,
                    before=before,
                    after=after,
                    confidence=_rounded(edit.confidence),
                    applied=applied,
                    note=note,
                )
            )
        if any_applied:
            # Read from the changes rather than kept in lists of their own: a stage may make millions.
            applied = [change for change in changes if change.applied]
            self.text = splice(text, ((c.at, c.at + len(c.before), c.after) for c in applied))
            self._map.replace_spans(
                (c.at, c.at + len(c.before), c.raw_start, c.raw_end, len(c.after)) for c in applied
            )
        self.changes.extend(changes)
        return changes

    def located_changes(self) -> list[Change]:
        """All changes so far with their raw line and page filled in.

        The document's own list is updated in place, so that a scan with a million changes does not hold
        two copies of each at the end of a run.
        """
        changes = self.changes
        for index, change in enumerate(changes):
            # Built field by field rather than with ``dataclasses.replace``, which is several times slower.
            changes[index] = Change(
                change.id,
                change.stage,
                change.rule,
                change.at,
                change.raw_start,
                change.raw_end,
                change.before,
                change.after,
                change.confidence,
                change.applied,
                change.note,
                self.raw_line(change.raw_start),
                self.raw_page(change.raw_start),
            )
        return list(changes)

    def _change_id(self, rule: str, before: str, after: str, raw_start: int, raw_end: int) -> str:
        """An id that survives edits elsewhere in the scan: what changed and the raw text around it."""
        left = self.raw[max(0, raw_start - _ID_CONTEXT) : raw_start].rpartition("\n")[2]
        right = self.raw[raw_end : raw_end + _ID_CONTEXT].partition("\n")[0]
        context = f"{left}\x00{right}"
        digest = hashlib.sha1("\x00".join((rule, before, after, context)).encode()).hexdigest()[:12]
        seen = self._id_counts.get(digest, 0)
        self._id_counts[digest] = seen + 1
        return digest if seen == 0 else f"{digest}-{seen + 1}"


def _decide(edit: Edit, decision: bool | None, min_confidence: float) -> tuple[bool, str]:
    """Whether an edit is applied, after a reviewer's decision and the confidence floor."""
    if decision is False and edit.applied:
        return False, _join_notes(edit.note, "rejected in review")
    if decision is True and (not edit.applied or edit.confidence < min_confidence):
        return True, _join_notes(edit.note, "accepted in review")
    if edit.applied and decision is None and edit.confidence < min_confidence:
        return False, _join_notes(edit.note, f"confidence below {min_confidence}")
    return edit.applied, edit.note


def _rounded(confidence: float) -> float:
    """The confidence to 4 places; the same float object when rounding leaves it as it is (saves memory)."""
    rounded = round(confidence, 4)
    return confidence if rounded == confidence else rounded


def _offsets_after(text: str, char: str, offsets: array | None = None) -> array:
    """Offsets just after each occurrence of ``char`` (added to ``offsets``): where lines or pages begin.

    A flat array, as a scan has a line start every few dozen characters.
    """
    offsets = array("q") if offsets is None else offsets
    position = text.find(char)
    while position != -1:
        offsets.append(position + 1)
        position = text.find(char, position + 1)
    return offsets


def _join_notes(first: str, second: str) -> str:
    return f"{first}; {second}" if first else second
