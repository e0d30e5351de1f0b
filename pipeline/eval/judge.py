"""Whether each change the pipeline made moved the text toward the gold.

A change is judged on its region: its raw span widened to whole words of the raw text. The gold region is
the part of the gold aligned to that raw region (gold aligned to raw by Levenshtein operations, insertions
at the edges included). The region before the change is the raw words around it with the change's
``before`` in the middle; after, the same with its ``after``. Both are normalised as the metrics are
(whitespace and line-end hyphens are layout unless ``layout``), then:

- ``layout``: before and after are the same once normalised (a line joined, a space added): not judged;
- ``right``: the edit distance to the gold region went down;
- ``wrong``: it went up;
- ``neutral``: the text changed but the distance did not (one wrong word for another).

The share right is ``right / (right + wrong + neutral)``: of the changes that touch the characters, how
many bring them closer to the gold. A change whose raw span touches an unjudged span (OCR without ground
truth) is left out. Suggestions are judged the same way, as if they had been applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from pipeline.core.edits import Change
from pipeline.eval.align import Block, project_span
from pipeline.eval.metrics import normalise

VERDICTS = ("right", "wrong", "neutral", "layout")

# How far a change's region may reach out to find whole words: long enough for any word, short enough
# that a change inside a long run without spaces stays a local judgement.
_MAX_WORD_REACH = 40


@dataclass(frozen=True)
class ChangeCounts:
    """How many of a stage's changes (or suggestions) were right, wrong, neutral or layout only."""

    right: int = 0
    wrong: int = 0
    neutral: int = 0
    layout: int = 0

    @property
    def judged(self) -> int:
        return self.right + self.wrong + self.neutral

    @property
    def share_right(self) -> float | None:
        """Right over judged changes; ``None`` when the stage changed no characters.

        >>> ChangeCounts(right=9, wrong=1).share_right
        0.9
        """
        return self.right / self.judged if self.judged else None

    def __add__(self, other: ChangeCounts) -> ChangeCounts:
        return ChangeCounts(*(getattr(self, name) + getattr(other, name) for name in VERDICTS))

    @classmethod
    def of(cls, verdicts: Iterable[str]) -> ChangeCounts:
        counts = dict.fromkeys(VERDICTS, 0)
        for verdict in verdicts:
            counts[verdict] += 1
        return cls(**counts)


def judge_change(
    change: Change,
    raw: str,
    gold: str,
    raw_to_gold: list[Block],
    *,
    layout: bool = False,
) -> str:
    """The verdict on one change (see the module): ``right``, ``wrong``, ``neutral`` or ``layout``.

    >>> from pipeline.eval.align import blocks
    >>> raw, gold = "the tbe king", "the the king"
    >>> change = Change("id", "ocr", "ocr/b-for-h", 4, 4, 7, "tbe", "the", 1.0, True)
    >>> judge_change(change, raw, gold, blocks(raw, gold))
    'right'
    """
    start, end = word_region(raw, change.raw_start, change.raw_end)
    left, right = raw[start : change.raw_start], raw[change.raw_end : end]
    before = normalise(left + change.before + right, layout=layout)
    after = normalise(left + change.after + right, layout=layout)
    if before == after:
        return "layout"
    gold_start, gold_end = project_span(raw_to_gold, start, end)
    target = normalise(gold[gold_start:gold_end], layout=layout)
    distance_before = Levenshtein.distance(before, target)
    distance_after = Levenshtein.distance(after, target)
    if distance_after < distance_before:
        return "right"
    if distance_after > distance_before:
        return "wrong"
    return "neutral"


def word_region(raw: str, start: int, end: int) -> tuple[int, int]:
    """The span ``[start, end)`` widened to whole words of ``raw`` (up to a reach of 40 characters).

    >>> word_region("the tbe king", 5, 6)
    (4, 7)
    """
    low = max(0, start - _MAX_WORD_REACH)
    while start > low and not raw[start - 1].isspace():
        start -= 1
    high = min(len(raw), end + _MAX_WORD_REACH)
    while end < high and not raw[end].isspace():
        end += 1
    return start, end


def touches(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps (or, when empty, sits inside) any of the sorted spans.

    >>> touches([(0, 5), (10, 12)], 4, 6), touches([(0, 5)], 5, 9)
    (True, False)
    """
    return any((low < end and start < high) or low < start == end < high for low, high in spans)
