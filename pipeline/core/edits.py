"""Edits that stages propose and the changes the core records once it has applied them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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
