"""The HTML review: one self-contained page with the raw and cleaned texts side by side.

Python does the alignment once: where each change sits in the cleaned text, and rows that cut both
texts at the same places (paragraph starts the changes do not cross). The page (``report.html``, a
template in this package) renders only the rows and list entries in view, so a 5 MB scan stays usable.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from importlib import resources
from itertools import groupby
from typing import Any

from pipeline.core.edits import Change
from pipeline.review.reviewed import ReviewedLog

# A row of the side-by-side view ends at a paragraph start, or at any line start once it is this long.
ROW_LINES = 40
# Characters a cleaned line is taken to wrap at, to guess a row's height before it is drawn.
WRAP_GUESS = 90


class StageShift:
    """How one stage moved offsets: its applied changes as sorted ``(start, end, new_length)`` regions.

    An offset strictly inside a replaced region snaps to the region's output; others move by the
    lengths gained or lost before them. Text the stage inserts at an offset goes after a point there (an
    empty span such as a deletion, or a row start) and before a span starting there, as in the core's
    offset map, where inserted text takes the raw offset of the text that follows it.

    >>> shift = StageShift([(2, 4, 1)])          # "abcdef" -> "abXef"
    >>> shift.start(1), shift.start(3), shift.end(3), shift.start(5)
    (1, 2, 3, 4)
    >>> shift = StageShift([(2, 2, 1)])          # "abcd" -> "abXcd"
    >>> shift.start(2), shift.point(2)
    (3, 2)
    """

    def __init__(self, regions: Sequence[tuple[int, int, int]]) -> None:
        self.starts = [start for start, _, _ in regions]
        self.ends = [end for _, end, _ in regions]
        self.lengths = [length for _, _, length in regions]
        self.shift_before = [0]
        for start, end, length in regions:
            self.shift_before.append(self.shift_before[-1] + length - (end - start))

    def new_start(self, index: int) -> int:
        return self.starts[index] + self.shift_before[index]

    def start(self, position: int) -> int:
        """Where a span starting at ``position`` starts after the stage."""
        index = bisect_right(self.ends, position)
        if index < len(self.starts) and self.starts[index] < position:
            return self.new_start(index)
        return position + self.shift_before[index]

    def point(self, position: int) -> int:
        """Where a point at ``position`` lands after the stage: before any text inserted there."""
        index = bisect_left(self.ends, position)
        if index < len(self.starts) and self.starts[index] < position:
            if position < self.ends[index]:
                return self.new_start(index)
            index += 1  # the region ends at the point
        return position + self.shift_before[index]

    def end(self, position: int) -> int:
        """Where a span ending at ``position`` ends after the stage (text inserted at its end is outside)."""
        index = bisect_right(self.ends, position)
        while index and self.starts[index - 1] == self.ends[index - 1] == position:
            index -= 1
        if index < len(self.starts) and self.starts[index] < position < self.ends[index]:
            return self.new_start(index) + self.lengths[index]
        return position + self.shift_before[index]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where the span ``start:end`` lies after the stage; an empty span is a point."""
        new_start = self.point(start) if start == end else self.start(start)
        return new_start, max(new_start, self.end(end))


def cleaned_spans(changes: Sequence[Change]) -> tuple[list[tuple[int, int]], list[StageShift]]:
    """Each change's span in the cleaned text (a suggestion: where it would go), and each stage's shift.

    Changes are grouped by stage in log order, as ``restore`` reads them; every span is carried through
    the later stages' shifts.
    """
    spans: list[tuple[int, int]] = [(0, 0)] * len(changes)
    tracked: list[int] = []
    shifts: list[StageShift] = []
    indexed = list(enumerate(changes))
    for _, group in groupby(indexed, key=lambda item: item[1].stage):
        members = list(group)
        applied = sorted((item for item in members if item[1].applied), key=lambda item: item[1].at)
        shift = StageShift([(c.at, c.at + len(c.before), len(c.after)) for _, c in applied])
        first_region = shift.starts[0] if applied else None
        for index in tracked if applied else ():
            start, end = spans[index]
            if end < first_region:  # nothing before the stage's first change moves
                continue
            spans[index] = shift.span(start, end)
        for index, change in members:
            if not change.applied:
                spans[index] = shift.span(change.at, change.at + len(change.before))
        for region, (index, _) in enumerate(applied):
            start = shift.new_start(region)
            spans[index] = (start, start + shift.lengths[region])
        tracked.extend(index for index, _ in members)
        shifts.append(shift)
    return spans, shifts


def cleaned_row_starts(rows: Sequence[int], shifts: Sequence[StageShift]) -> list[int]:
    """Raw row starts (offsets no change crosses) carried to the cleaned text; the first row starts at 0."""
    starts = [0]
    for position in rows[1:]:
        for shift in shifts:
            position = shift.point(position)
        starts.append(position)
    return starts


def row_starts(raw: str, changes: Sequence[Change], pages: Sequence[int]) -> list[int]:
    """Raw offsets where rows begin: paragraph and page starts, or any line start in a long stretch.

    A row never cuts through a change nor sits on an insertion point, so each change falls in one row
    in both texts.

    >>> row_starts("a\\nb\\n\\nc\\n", [], [])
    [0, 5]
    """
    blocked = sorted((c.raw_start, c.raw_end) for c in changes)
    block_starts = [start for start, _ in blocked]
    reach = []  # the furthest raw_end among changes starting at or before each one
    for _, end in blocked:
        reach.append(max(end, reach[-1]) if reach else end)

    def crossed(position: int) -> bool:
        index = bisect_right(block_starts, position) - 1
        if index < 0:
            return False
        lower = bisect_left(block_starts, position)
        inside = reach[lower - 1] > position if lower else False
        touching = index >= lower and any(s == e == position for s, e in blocked[lower : index + 1])
        return inside or touching

    # The first line start at or after each page start (a page begins after its form feed, mid-line).
    page_lines = {
        start if raw[start - 1 : start] in ("", "\n") else raw.find("\n", start) + 1 for start in pages
    }
    starts = [0]
    lines_in_row = 0
    position = raw.find("\n")
    while position != -1:
        line_start = position + 1
        lines_in_row += 1
        paragraph = raw[position - 1 : position] == "\n"
        wanted = paragraph or line_start in page_lines or lines_in_row >= ROW_LINES
        if line_start < len(raw) and wanted and not crossed(line_start):
            starts.append(line_start)
            lines_in_row = 0
        position = raw.find("\n", line_start)
    return starts


def page_starts(log: ReviewedLog) -> list[int]:
    """Raw offsets where pages 2, 3, ... begin, as the log header records them."""
    recorded = log.head.get("page_starts", [])
    if not isinstance(recorded, list) or not all(isinstance(offset, int) for offset in recorded):
        return []
    return sorted(recorded)


def page_data(log: ReviewedLog, shown: Sequence[Change]) -> dict[str, Any]:
    """Everything the page needs, as compact JSON-ready lists."""
    spans, shifts = cleaned_spans(log.changes)
    span_of = {id(change): span for change, span in zip(log.changes, spans, strict=True)}
    pages = page_starts(log)
    rows = row_starts(log.raw, log.changes, pages)
    row_table = []
    bounds = [*rows, len(log.raw)]
    clean_bounds = [*cleaned_row_starts(rows, shifts), len(log.cleaned)]
    for number, start in enumerate(rows):
        raw_lines = log.raw.count("\n", start, bounds[number + 1]) or 1
        cleaned_from, cleaned_to = clean_bounds[number], clean_bounds[number + 1]
        guess = log.cleaned.count("\n", cleaned_from, cleaned_to) + (cleaned_to - cleaned_from) // WRAP_GUESS
        page = bisect_right(pages, start) + 1
        row_table.append([start, cleaned_from, max(raw_lines, guess, 1), page])
    changes = []
    for change in shown:
        cleaned_start, cleaned_end = span_of[id(change)]
        changes.append(
            [
                change.id,
                change.stage,
                change.rule,
                change.raw_start,
                change.raw_end,
                cleaned_start,
                cleaned_end,
                change.before,
                change.after,
                change.confidence,
                change.applied,
                change.note,
                change.line,
                change.page,
                bisect_right(rows, change.raw_start) - 1,
            ]
        )
    return {
        "name": log.name,
        "log": log.path.name,
        "raw": log.raw,
        "cleaned": log.cleaned,
        "rows": row_table,
        "changes": changes,
        "total": len(log.changes),
    }


def render_page(log: ReviewedLog, shown: Sequence[Change]) -> str:
    """The HTML review page: the template with the data embedded as JSON (``<`` escaped)."""
    template = resources.files("pipeline.review").joinpath("report.html").read_text(encoding="utf-8")
    data = json.dumps(page_data(log, shown), ensure_ascii=False, separators=(",", ":"))
    # "<" only occurs inside JSON strings, so escaping it keeps "</script>" in a scan from ending the data.
    data = data.replace("<", "\\u003c")
    title = log.name.replace("&", "&amp;").replace("<", "&lt;")
    return template.replace("__SCANCLEAN_TITLE__", title).replace("__SCANCLEAN_DATA__", data)
