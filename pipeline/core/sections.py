"""Cutting a large text into sections cleaned on their own, and placing their changes in the whole.

A 50 MB scan cleaned as one document holds its raw text, its current text, the offset map and half a
million changes at once: twenty times the file. Cleaned a section at a time, only one section's working
set is alive beside the raw text (kept as UTF-8 bytes). Sections are cut where a paragraph ends where
one can, so that few lines have neighbours in another section; each section's changes are then placed
in the whole file by shifting their offsets, lines and pages by what the sections before it hold.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import regex

from pipeline.core.edits import Change

# Where a section may end, best first: after blank lines (a paragraph's end), after a line that ends a
# sentence, after any line, after any space. Blank lines after a cut go with the section before it. A
# page break (form feed) is not a blank line here: the reflow stage joins paragraphs across it. The text
# is cut as UTF-8 bytes, at ASCII whitespace, which never falls inside a character.
_CLOSERS = b"|".join(regex.escape(mark.encode()) for mark in "\"')]”’»")
_CUTS = (
    regex.compile(rb"\n(?:[ \t\r]*\n)+"),
    regex.compile(rb"[.!?](?:" + _CLOSERS + rb")*[ \t\r]*\n(?:[ \t\r]*\n)*"),
    regex.compile(rb"\n(?:[ \t\r]*\n)*"),
    regex.compile(rb"[ \t\n\r\f\v]+"),
)
_CUT_MARGIN = 1000


def section_ends(data: bytes, size: int) -> list[int]:
    """Where each section of a UTF-8 text ends: about ``size`` bytes apart, at the best cut within the
    next ``size`` bytes (a text without any whitespace there runs on to the next it has).

    >>> data = b"One para.\\n\\nTwo para.\\nstill two.\\n\\nThree."
    >>> ends = section_ends(data, 5)
    >>> [data[start:end] for start, end in zip([0, *ends], ends)]
    [b'One para.\\n\\n', b'Two para.\\n', b'still two.\\n\\n', b'Three.']
    >>> section_ends(data, 0) == [len(data)]
    True
    """
    if size <= 0:
        return [len(data)]
    ends: list[int] = []
    start = 0
    while len(data) - start > size:
        end = _cut_after(data, start + size, start + 2 * size)
        if end is None:
            break
        ends.append(end)
        start = end
    ends.append(len(data))
    return ends


def _cut_after(data: bytes, first: int, last: int) -> int | None:
    """The end of the best cut starting in ``[first, last)``, else of the first whitespace after ``first``;
    ``None`` where the cut would leave nothing after it."""
    for cut in _CUTS:
        # A run of blank lines may go on past ``last``: it is matched whole (up to a margin).
        found = cut.search(data, first, last + _CUT_MARGIN)
        if found and found.start() < last:
            return found.end() if found.end() < len(data) else None
    found = _CUTS[-1].search(data, first)
    return found.end() if found and found.end() < len(data) else None


@dataclass
class SectionPlace:
    """What the sections before one hold: the offsets that place its changes in the whole file.

    ``at`` counts, per stage, the characters of the text that stage received in the sections before.

    >>> place = SectionPlace()
    >>> place.advance(raw_length=5, raw_lines=2, page_starts=1, received={"ocr": 5})
    >>> moved = place.of(Change("x", "ocr", "ocr/l-for-I", 2, 1, 2, "l", "I", 1.0, True, "", 1, 1), "x-2")
    >>> moved.id, moved.at, moved.raw_start, moved.raw_end, moved.line, moved.page
    ('x-2', 7, 6, 7, 3, 2)
    """

    raw: int = 0
    lines: int = 0
    pages: int = 0
    at: Counter[str] = field(default_factory=Counter)

    def of(self, change: Change, change_id: str) -> Change:
        """The change as the whole file's log has it, with the id it has there."""
        if not self.raw and change_id == change.id:
            return change
        return replace(
            change,
            id=change_id,
            at=change.at + self.at[change.stage],
            raw_start=change.raw_start + self.raw,
            raw_end=change.raw_end + self.raw,
            line=change.line + self.lines,
            page=change.page + self.pages,
        )

    def advance(self, raw_length: int, raw_lines: int, page_starts: int, received: dict[str, int]) -> None:
        """Move past a section: its raw length, line ends and page starts, what each stage received."""
        self.raw += raw_length
        self.lines += raw_lines
        self.pages += page_starts
        self.at.update(received)
