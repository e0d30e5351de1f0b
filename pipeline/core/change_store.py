"""The changes of a run, kept column by column and read back as ``Change`` objects one at a time.

A 50 MB scan gets half a million changes. As objects they take about 450 bytes each (the object, five
offset ints, the id string, the confidence); here the numbers sit in flat arrays and the id as its six
bytes of digest, about 120 bytes a change besides the texts of ``before``, ``after`` and ``note``. The
change log is written from the store a change at a time, so the objects are never all alive at once.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from array import array
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import overload

from pipeline.core.edits import Change

_DIGEST_BYTES = 6
# An id as the core gives it: 12 hex digits of a digest, then "-N" for the N-th change with that digest.
_USUAL_ID = re.compile(r"[0-9a-f]{12}(?:-[1-9][0-9]*)?")


class _Changes(Sequence[Change]):
    """What the store and its views share: they read and compare as lists of ``Change``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(list(self))

    @abstractmethod
    def _change(self, index: int) -> Change:
        """The change at ``index`` (``0 <= index < len(self)``), built from the columns."""

    @overload
    def __getitem__(self, index: int) -> Change: ...

    @overload
    def __getitem__(self, index: slice) -> list[Change]: ...

    def __getitem__(self, index: int | slice) -> Change | list[Change]:
        if isinstance(index, slice):
            return [self._change(at) for at in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("change index out of range")
        return self._change(index)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class ChangeStore(_Changes):
    """A growing list of changes stored by column; indexing and iteration build ``Change`` objects.

    >>> store = ChangeStore()
    >>> store.append(Change("0123456789ab-2", "ocr", "ocr/x", 5, 5, 6, "l", "I", 0.9, True, "n", 1, 1))
    >>> store[0] == Change("0123456789ab-2", "ocr", "ocr/x", 5, 5, 6, "l", "I", 0.9, True, "n", 1, 1)
    True
    >>> len(store), [change.id for change in store[:]]
    (1, ['0123456789ab-2'])
    """

    __slots__ = (
        "_after",
        "_applied",
        "_at",
        "_before",
        "_confidence",
        "_digests",
        "_kind_of",
        "_kinds",
        "_kinds_index",
        "_line",
        "_note",
        "_odd_ids",
        "_page",
        "_raw_end",
        "_raw_start",
        "_repeats",
    )

    def __init__(self) -> None:
        self._digests = bytearray()
        self._repeats: dict[int, int] = {}  # change index -> N of an id ending in "-N"
        self._odd_ids: dict[int, str] = {}  # ids not of the usual shape (read from elsewhere)
        self._kinds: list[tuple[str, str]] = []  # (stage, rule), one entry a rule
        self._kinds_index: dict[tuple[str, str], int] = {}
        self._kind_of = array("I")
        self._at = array("q")
        self._raw_start = array("q")
        self._raw_end = array("q")
        self._line = array("q")
        self._page = array("q")
        self._before: list[str] = []
        self._after: list[str] = []
        self._note: list[str] = []
        self._confidence: list[float] = []
        self._applied = bytearray()

    def append(self, change: Change) -> None:
        self.add(
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
            change.line,
            change.page,
        )

    def add(
        self,
        change_id: str,
        stage: str,
        rule: str,
        at: int,
        raw_start: int,
        raw_end: int,
        before: str,
        after: str,
        confidence: float,
        applied: bool,
        note: str,
        line: int,
        page: int,
    ) -> None:
        """Append one change, given as ``Change``'s fields in order."""
        index = len(self._applied)
        if _USUAL_ID.fullmatch(change_id):
            self._digests += bytes.fromhex(change_id[: 2 * _DIGEST_BYTES])
            if len(change_id) > 2 * _DIGEST_BYTES:
                self._repeats[index] = int(change_id[2 * _DIGEST_BYTES + 1 :])
        else:
            self._digests += bytes(_DIGEST_BYTES)
            self._odd_ids[index] = change_id
        kind = (stage, rule)
        kind_index = self._kinds_index.get(kind)
        if kind_index is None:
            kind_index = self._kinds_index[kind] = len(self._kinds)
            self._kinds.append(kind)
        self._kind_of.append(kind_index)
        self._at.append(at)
        self._raw_start.append(raw_start)
        self._raw_end.append(raw_end)
        self._line.append(line)
        self._page.append(page)
        self._before.append(before)
        self._after.append(after)
        self._note.append(note)
        self._confidence.append(confidence)
        self._applied.append(applied)

    def truncate(self, length: int) -> None:
        """Drop the changes from ``length`` on (what a failed stage added)."""
        for index in range(length, len(self)):
            self._repeats.pop(index, None)
            self._odd_ids.pop(index, None)
        del self._digests[length * _DIGEST_BYTES :]
        for column in (self._kind_of, self._at, self._raw_start, self._raw_end, self._line, self._page):
            del column[length:]
        for values in (self._before, self._after, self._note, self._confidence):
            del values[length:]
        del self._applied[length:]

    def raw_start(self, index: int) -> int:
        return self._raw_start[index]

    def page(self, index: int) -> int:
        return self._page[index]

    def set_page(self, index: int, page: int) -> None:
        self._page[index] = page

    def __len__(self) -> int:
        return len(self._applied)

    def __iter__(self) -> Iterator[Change]:
        return self._changes(0, len(self))

    def _changes(self, start: int, stop: int) -> Iterator[Change]:
        """Changes ``start`` to ``stop``, the columns read in step (faster than one index at a time, and
        without copying them)."""
        stages = [stage for stage, _ in self._kinds]
        rules = [rule for _, rule in self._kinds]
        return map(
            Change,
            map(self._id, range(start, stop)),
            map(stages.__getitem__, islice(self._kind_of, start, stop)),
            map(rules.__getitem__, islice(self._kind_of, start, stop)),
            islice(self._at, start, stop),
            islice(self._raw_start, start, stop),
            islice(self._raw_end, start, stop),
            islice(self._before, start, stop),
            islice(self._after, start, stop),
            islice(self._confidence, start, stop),
            map(bool, islice(self._applied, start, stop)),
            islice(self._note, start, stop),
            islice(self._line, start, stop),
            islice(self._page, start, stop),
        )

    def view(self, start: int = 0, stop: int | None = None) -> ChangeView:
        """The changes ``start`` to ``stop`` (now), without building them."""
        return ChangeView(self, start, len(self) if stop is None else stop)

    def _change(self, index: int) -> Change:
        stage, rule = self._kinds[self._kind_of[index]]
        return Change(
            self._id(index),
            stage,
            rule,
            self._at[index],
            self._raw_start[index],
            self._raw_end[index],
            self._before[index],
            self._after[index],
            self._confidence[index],
            bool(self._applied[index]),
            self._note[index],
            self._line[index],
            self._page[index],
        )

    def _id(self, index: int) -> str:
        odd = self._odd_ids.get(index) if self._odd_ids else None
        if odd is not None:
            return odd
        digest = self._digests[index * _DIGEST_BYTES : (index + 1) * _DIGEST_BYTES].hex()
        repeat = self._repeats.get(index)
        return digest if repeat is None else f"{digest}-{repeat}"


class ChangeView(_Changes):
    """Changes ``start`` to ``stop`` of a store, built as they are read."""

    __slots__ = ("_start", "_stop", "_store")

    def __init__(self, store: ChangeStore, start: int, stop: int) -> None:
        self._store, self._start, self._stop = store, start, stop

    def __len__(self) -> int:
        return self._stop - self._start

    def _change(self, index: int) -> Change:
        return self._store._change(self._start + index)

    def __iter__(self) -> Iterator[Change]:
        return self._store._changes(self._start, self._stop)
