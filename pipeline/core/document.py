"""The document a run works on: the decoded raw text, the current text and the map between them.

Stages never change ``Document.text`` themselves: they return ``Edit``s and ``Document.apply`` splices
them in, records a ``Change`` for each and keeps the offset map, so every change knows where in the raw
text it came from.

Conventions stages rely on:

- A page break in the current text is a form feed (``PAGE_BREAK``) on a line of its own; the input stage
  keeps the scan's form feeds and the furniture stage writes one where it finds a page break.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from hashlib import sha1
from operator import attrgetter

from pipeline.core.change_store import ChangeStore, ChangeView
from pipeline.core.edits import Edit, splice_parts
from pipeline.core.errors import StageError

PAGE_BREAK = "\f"

# How many raw characters either side of a change, within its line, go into its id: enough to tell apart
# two identical fixes, few enough that an unrelated change elsewhere leaves the id alone.
_ID_CONTEXT = 24

_span_of = attrgetter("start", "end")

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

    def add(self, cur_start: int, cur_end: int, raw_start: int, raw_end: int, copied: bool) -> None:
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
        pieces.add(0, raw_length, 0, raw_length, True)
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
        # Read straight from the arrays: this runs once a change, and a scan may have a million.
        pieces = self._pieces
        index = bisect_right(pieces.cur_ends, start)
        if pieces.copied[index]:
            raw_start = pieces.raw_starts[index] + start - pieces.cur_starts[index]
        else:
            start, raw_start = pieces.cur_starts[index], pieces.raw_starts[index]
        index = bisect_left(pieces.cur_starts, end) - 1
        if pieces.copied[index]:
            raw_end = pieces.raw_starts[index] + end - pieces.cur_starts[index]
        else:
            end, raw_end = pieces.cur_ends[index], pieces.raw_ends[index]
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

    def replace_spans(self, spans: Iterable[tuple[int, int, int, int, int]]) -> None:
        """Record applied changes: sorted ``(start, end, raw_start, raw_end, new_length)`` as located.

        Pieces before a change stay (moved by what earlier changes added or removed), pieces inside it
        give way to one replaced piece, and a copied piece it cuts into is split. A change's span ends
        on piece boundaries except inside copied pieces, as ``locate`` widened it.
        """
        old = self._pieces
        cur_starts, cur_ends, raw_starts, copied = old.cur_starts, old.cur_ends, old.raw_starts, old.copied
        out = _Pieces()
        add = out.add
        shift = 0
        index = 0  # the first old piece not yet wholly written out
        position = 0  # old text before this is written out (inside piece ``index`` if it was cut)

        def write_until(stop: int) -> None:
            """Write out old pieces ``index`` to ``stop``, the first from ``position`` on."""
            first = cur_starts[index]
            if position > first:  # the rest of a copied piece a change cut into
                add(
                    position + shift,
                    cur_ends[index] + shift,
                    raw_starts[index] + position - first,
                    old.raw_ends[index],
                    True,
                )
                out.extend_shifted(old, index + 1, stop, shift)
            else:
                out.extend_shifted(old, index, stop, shift)

        for start, end, raw_start, raw_end, new_length in spans:
            stop = bisect_right(cur_ends, start, index)  # old pieces that end at or before the change
            if stop > index:
                write_until(stop)
                index, position = stop, cur_starts[stop] if stop < len(copied) else start
            if index < len(copied):
                first = cur_starts[index]
                begin = max(position, first)
                if begin < start:  # the change cuts into a copied piece: its head stays
                    add(
                        begin + shift,
                        start + shift,
                        raw_starts[index] + begin - first,
                        raw_starts[index] + start - first,
                        True,
                    )
            if start < end:  # old pieces inside the change go; one running past its end is cut
                stop = bisect_left(cur_starts, end, index)
                index = stop - 1 if stop > index and cur_ends[stop - 1] > end else stop
            position = end
            add(start + shift, start + shift + new_length, raw_start, raw_end, False)
            shift += new_length - (end - start)
        if index < len(copied):
            write_until(len(copied))
        self._set(out)


class ChangeIds:
    """Gives each change an id that survives edits elsewhere in the scan: a digest of what changed and
    the raw text around it within its line, with ``-N`` added for the N-th change of the same digest.

    >>> ids = ChangeIds()
    >>> [ids.give("ocr/rn-for-m", "rn", "m", "the ", "an") for _ in range(2)]
    ['189ad4f38c26', '189ad4f38c26-2']
    """

    def __init__(self) -> None:
        # Ids given so far (a set: a scan may have a million) and how often those given twice or more came.
        self._given: set[int] = set()  # as ints: half the memory of the hex strings
        self._repeats: dict[str, int] = {}

    def give(self, rule: str, before: str, after: str, left: str, right: str) -> str:
        digest = sha1(f"{rule}\x00{before}\x00{after}\x00{left}\x00{right}".encode()).hexdigest()[:12]
        return self._give(digest)

    def renumbered(self, change_id: str) -> str:
        """The id of a change numbered elsewhere (a section cleaned on its own), numbered here: its digest,
        with ``-N`` for the N-th change of that digest given here.

        >>> ChangeIds().renumbered("189ad4f38c26-3")
        '189ad4f38c26'
        """
        return self._give(change_id.partition("-")[0])

    def _give(self, digest: str) -> str:
        number = int(digest, 16)
        if number not in self._given:
            self._given.add(number)
            return digest
        seen = self._repeats.get(digest, 1) + 1
        self._repeats[digest] = seen
        return f"{digest}-{seen}"


class Document:
    """A scan being cleaned: raw text, current text, offset map and the changes so far.

    >>> doc = Document("losif Stalin")
    >>> _ = doc.apply("ocr", [Edit(0, 1, "I", "l-for-I")])
    >>> doc.text, doc.changes[0].raw_start, doc.changes[0].before
    ('Iosif Stalin', 0, 'l')
    """

    def __init__(self, raw: str, name: str = "<text>", ids: ChangeIds | None = None) -> None:
        self.raw = raw
        self.text = raw
        self.name = name
        self.changes = ChangeStore()
        self._map = OffsetMap(len(raw))
        # Shared by the sections of a file cleaned in turn: their ids are then those of the whole file,
        # which a reviewer's decisions name.
        self._ids = ChangeIds() if ids is None else ids
        self._page_starts: Sequence[int] | None = None
        self._line_starts: Sequence[int] | None = None
        # Changes made before the page starts were last set may sit on another page by now.
        self._changes_before_pages = 0

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span that ``text[start:end]`` stands for (widened to whole earlier changes)."""
        _, _, raw_start, raw_end = self._map.locate(start, end)
        return raw_start, raw_end

    def set_page_starts(self, raw_offsets: Iterable[int]) -> None:
        """Tell the document where raw pages begin (the furniture stage knows better than form feeds)."""
        self._page_starts = sorted(offset for offset in set(raw_offsets) if offset > 0)
        self._changes_before_pages = len(self.changes)

    def raw_line(self, raw_offset: int) -> int:
        """1-based line of the raw text that ``raw_offset`` falls on."""
        return bisect_right(self._lines(), raw_offset)

    def page_starts(self) -> list[int]:
        """Raw offsets where pages 2, 3, ... begin: as the furniture stage found them, else form feeds."""
        return list(self._pages())

    def raw_page(self, raw_offset: int) -> int:
        """1-based page of the raw text that ``raw_offset`` falls on."""
        return bisect_right(self._pages(), raw_offset) + 1

    def _lines(self) -> Sequence[int]:
        if self._line_starts is None:
            self._line_starts = _offsets_after(self.raw, "\n", array("q", [0]))
        return self._line_starts

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
    ) -> ChangeView:
        """Apply one stage's edits at once, record a change for each, and return those changes.

        Edits are checked: spans inside the text, applied edits not overlapping. An edit that cuts into an
        earlier change is widened to all of it. An applied edit below ``min_confidence``, or one that
        after widening collides with another, becomes a suggestion; ``decisions`` (change id to
        accepted/rejected, from review) overrule the stage.
        """
        first = len(self.changes)
        try:
            applied_spans = self._record(stage, edits, min_confidence, decisions)
        except BaseException:
            self.changes.truncate(first)  # a stage whose edits are refused leaves no changes behind
            raise
        if applied_spans:
            text = self.text
            parts = splice_parts(text, ((start, end, after) for start, end, _, _, after in applied_spans))
            # The old text goes before the new one is joined (unless it is the raw text): a large scan is
            # then held twice at the peak, not three times.
            del text
            self.text = ""
            self.text = "".join(parts)
            del parts
            self._map.replace_spans(
                (start, end, raw_start, raw_end, len(after))
                for start, end, raw_start, raw_end, after in applied_spans
            )
        return self.changes.view(first)

    def _record(
        self,
        stage: str,
        edits: Iterable[Edit],
        min_confidence: float,
        decisions: Mapping[str, bool] | None,
    ) -> list[tuple[int, int, int, int, str]]:
        """Record a change for each edit that changes something; the spans of those applied, located."""
        # One pass, names bound once: this loop runs once a change, and a scan may have a million.
        text = self.text
        length = len(text)
        raw = self.raw
        locate = self._map.locate
        lines, pages = self._lines(), self._pages()
        add = self.changes.add
        applied_spans: list[tuple[int, int, int, int, str]] = []
        proposed_end = 0
        applied_end = 0
        rule_names: dict[str, str] = {}
        for edit in sorted(edits, key=_span_of):
            edit_start, edit_end, replacement = edit.start, edit.end, edit.replacement
            if not 0 <= edit_start <= edit_end <= length:
                raise StageError(f"{stage}/{edit.rule}: span {edit_start}:{edit_end} outside the text")
            if edit.applied and edit_start < proposed_end:
                raise StageError(f"{stage}/{edit.rule}: edit at {edit_start} overlaps another applied edit")
            if text[edit_start:edit_end] == replacement:
                continue
            if edit.applied:
                proposed_end = edit_end
            start, end, raw_start, raw_end = locate(edit_start, edit_end)
            before = text[start:end]
            after = (
                replacement
                if start == edit_start and end == edit_end
                else text[start:edit_start] + replacement + text[edit_end:end]
            )
            rule = rule_names.get(edit.rule)
            if rule is None:  # one string a rule, not one a change
                rule = rule_names[edit.rule] = f"{stage}/{edit.rule}"
            change_id = self._ids.give(
                rule,
                before,
                after,
                raw[max(0, raw_start - _ID_CONTEXT) : raw_start].rpartition("\n")[2],
                raw[raw_end : raw_end + _ID_CONTEXT].partition("\n")[0],
            )
            decision = decisions.get(change_id) if decisions else None
            applied, note, confidence = edit.applied, edit.note, edit.confidence
            if decision is not None or (applied and confidence < min_confidence):
                applied, note = _decide(edit, decision, min_confidence)
            if applied and start < applied_end:
                applied, note = False, _join_notes(note, "overlaps an earlier change of this stage")
            if applied:
                applied_end = end
                applied_spans.append((start, end, raw_start, raw_end, after))
            add(
                change_id,
                stage,
                rule,
                start,
                raw_start,
                raw_end,
                before,
                after,
                confidence if confidence == 1.0 else _rounded(confidence),
                applied,
                note,
                bisect_right(lines, raw_start),
                bisect_right(pages, raw_start) + 1,
            )
        return applied_spans

    def located_changes(self) -> ChangeView:
        """All changes so far with their raw line and page filled in.

        Every change knows its line and page from the start, except that a change made before the furniture
        stage found the pages may sit on another page than form feeds said: those few are set anew.
        """
        changes = self.changes
        for index in range(self._changes_before_pages):
            page = self.raw_page(changes.raw_start(index))
            if page != changes.page(index):
                changes.set_page(index, page)
        self._changes_before_pages = 0
        return changes.view()


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
