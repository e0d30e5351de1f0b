"""Reading a large text a piece at a time, so that a pass over a 50 MB scan never holds a list of all its
words (8 million strings: several times the text's own size)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import regex

# About this many characters a piece: large enough that a pattern's per-call cost does not count.
_PIECE = 1 << 20


def line_pieces(text: str, size: int = _PIECE) -> Iterator[tuple[int, int]]:
    """``(start, end)`` spans that cover the text in order, each ending after a line end (or at the
    text's end) once it holds ``size`` characters: a match that never crosses a line end lies in one.

    >>> list(line_pieces("ab\\ncd\\nef", size=2))
    [(0, 3), (3, 6), (6, 8)]
    """
    start = 0
    while start < len(text):
        cut = text.find("\n", start + size - 1)
        end = len(text) if cut < 0 else cut + 1
        yield start, end
        start = end


def count_matches(pattern: regex.Pattern[str], text: str) -> Counter[str]:
    """``Counter(pattern.findall(text))`` for a pattern whose matches never cross a line end, a piece
    of the text at a time (the same counts, in the same order).

    >>> count_matches(regex.compile(r"\\w+"), "a b\\na")
    Counter({'a': 2, 'b': 1})
    """
    counts: Counter[str] = Counter()
    for start, end in line_pieces(text):
        counts.update(pattern.findall(text, start, end))
    return counts
