"""Edits that stages propose and the changes the core records once it has applied them."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

# A span of a text: start and end offsets.
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Edit:
    """A stage's proposal: replace ``text[start:end]`` of the current text with ``replacement``.

    ``rule`` is the short rule name (``"join-line"``); the core prefixes the stage. ``applied=False``
    makes it a suggestion: logged for a reviewer, text left alone.

    >>> Edit(0, 3, "the", "tbe-for-the", confidence=0.9)
    Edit(start=0, end=3, replacement='the', rule='tbe-for-the', confidence=0.9, applied=True, note='')
    """

    start: int
    end: int
    replacement: str
    rule: str
    confidence: float = 1.0
    applied: bool = True
    note: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    """One line of the change log: an edit as the core applied (or only suggested) it.

    ``at`` is the offset in the text the stage received, so a log can be undone stage by stage;
    ``raw_start``/``raw_end`` locate the change in the decoded raw text for a reader.
    ``line`` and ``page`` (1-based, of the raw text) are filled in when the run finishes.
    """

    id: str
    stage: str
    rule: str
    at: int
    raw_start: int
    raw_end: int
    before: str
    after: str
    confidence: float
    applied: bool
    note: str = ""
    line: int = 0
    page: int = 0


def splice(text: str, replacements: Iterable[tuple[int, int, str]]) -> str:
    """Replace sorted, non-overlapping ``(start, end, new)`` spans of ``text`` in one pass.

    Applying edits and undoing them both go through here.

    >>> splice("degra- dation", [(5, 7, "")])
    'degradation'
    >>> splice("abc", [(0, 0, ">"), (3, 3, "<")])
    '>abc<'
    """
    return "".join(splice_parts(text, replacements))


def splice_parts(text: str, replacements: Iterable[tuple[int, int, str]]) -> list[str]:
    """The pieces ``splice`` joins: a caller that drops ``text`` before joining them holds two copies of
    a large text at the peak, not three.

    >>> splice_parts("degra- dation", [(5, 7, "")])
    ['degra', '', 'dation']
    """
    parts: list[str] = []
    position = 0
    for start, end, new in replacements:
        parts.append(text[position:start])
        parts.append(new)
        position = end
    parts.append(text[position:])
    return parts


def drop_overlapping(*groups: list[Edit]) -> list[Edit]:
    """All edits of the groups, an edit dropped where it overlaps one of an earlier group (those of one
    group do not overlap one another): a stage's rules ranked, so that a span is changed once.

    >>> edits = drop_overlapping([Edit(5, 9, "a", "x")], [Edit(0, 2, "b", "y"), Edit(8, 10, "c", "y")])
    >>> [edit.replacement for edit in edits]
    ['a', 'b']
    """
    kept: list[Edit] = []
    spans: list[Span] = []
    for group in groups:
        taken = span_bounds(sorted(spans))
        for edit in group:
            if not overlaps_any(taken, edit.start, edit.end):
                kept.append(edit)
                spans.append((edit.start, edit.end))
    return kept


def span_bounds(spans: Iterable[Span]) -> list[int]:
    """Sorted, disjoint spans as one sorted list of their ends, ``[start, end, start, end, ...]``, for
    ``overlaps_any``: one bisection of a list of numbers a question."""
    return [bound for span in spans for bound in span]


def overlaps_any(bounds: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` (a point if empty) overlaps one of the spans that ``bounds`` lists.

    ``start`` lies inside a span when an odd number of bounds are at or before it; else the span overlaps
    the next span if that starts before its end.

    >>> bounds = span_bounds([(0, 4), (10, 12)])
    >>> [overlaps_any(bounds, *span) for span in [(3, 5), (5, 9), (11, 11), (4, 4)]]
    [True, False, True, False]
    """
    index = bisect_right(bounds, start)
    return index % 2 == 1 or (index < len(bounds) and bounds[index] < max(end, start + 1))
