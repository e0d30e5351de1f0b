"""Alignment of two sequences (characters, grapheme clusters or words) by Levenshtein edit operations.

Kept apart from the metrics and the report, as in dinglehopper: the metrics count what this aligns, the
change judge and the ``--errors`` listing read the aligned pieces. rapidfuzz computes the operations.

Long texts (a whole book is one ICDAR file) are first cut at anchors: a stretch of 32 characters found
exactly once in each text, the anchors in the same order in both. The stretches between anchors are
aligned exactly and the anchors count as equal. This is the optimal alignment whenever an optimal one
matches the anchors, which unique 32-character stretches all but always are, and it turns minutes into
a second for a 600,000-character text.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence

from rapidfuzz.distance import Levenshtein

# One block of an alignment: tag ("equal", "replace", "insert", "delete"), source span, destination span.
# A "replace" block has equal lengths on both sides; unequal parts are "insert" or "delete" blocks.
Block = tuple[str, int, int, int, int]

_ANCHOR_LENGTH = 32
# Texts up to this long are aligned in one piece; longer ones get an anchor about every this many characters.
_PIECE = 5000


def blocks(source: Sequence[Hashable] | str, destination: Sequence[Hashable] | str) -> list[Block]:
    """The edit operations that turn ``source`` into ``destination``, as blocks.

    >>> blocks("tbe kіng", "the king")
    [('equal', 0, 1, 0, 1), ('replace', 1, 2, 1, 2), ('equal', 2, 5, 2, 5), ('replace', 5, 6, 5, 6), \
('equal', 6, 8, 6, 8)]
    """
    found: list[Block] = []
    for src_start, src_end, dest_start, dest_end in pieces(source, destination):
        for tag, a, b, c, d in Levenshtein.opcodes(
            source[src_start:src_end], destination[dest_start:dest_end]
        ):
            found.append((tag, a + src_start, b + src_start, c + dest_start, d + dest_start))
    return found


def distance(source: Sequence[Hashable] | str, destination: Sequence[Hashable] | str) -> int:
    """The Levenshtein distance, piece by piece between anchors for long texts.

    >>> distance("modern", "modem")
    2
    """
    return sum(
        Levenshtein.distance(source[a:b], destination[c:d]) for a, b, c, d in pieces(source, destination)
    )


def pieces(
    source: Sequence[Hashable] | str, destination: Sequence[Hashable] | str
) -> list[tuple[int, int, int, int]]:
    """Matching spans ``(src_start, src_end, dest_start, dest_end)`` that cover both texts in order: the
    stretches between anchors and the anchors themselves. Short texts and lists are one piece."""
    whole = [(0, len(source), 0, len(destination))]
    if not isinstance(source, str) or not isinstance(destination, str) or len(source) <= 2 * _PIECE:
        return whole
    candidates = []
    for start in range(_PIECE, len(source) - _ANCHOR_LENGTH, _PIECE):
        stretch = source[start : start + _ANCHOR_LENGTH]
        if source.find(stretch) != start or source.find(stretch, start + 1) != -1:
            continue
        found = destination.find(stretch)
        if found != -1 and destination.find(stretch, found + 1) == -1:
            candidates.append((start, found))
    result = []
    src_at = dest_at = 0
    for start, found in _increasing(candidates):
        result.append((src_at, start, dest_at, found))
        result.append((start, start + _ANCHOR_LENGTH, found, found + _ANCHOR_LENGTH))
        src_at, dest_at = start + _ANCHOR_LENGTH, found + _ANCHOR_LENGTH
    result.append((src_at, len(source), dest_at, len(destination)))
    return result


def _increasing(candidates: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of anchors whose destination positions increase too, without overlapping.

    >>> _increasing([(0, 0), (5000, 90000), (10000, 9000), (15000, 14000)])
    [(0, 0), (10000, 9000), (15000, 14000)]
    """
    length = [1] * len(candidates)
    previous = [-1] * len(candidates)
    for i, (_, found) in enumerate(candidates):
        for j in range(i):
            if candidates[j][1] + _ANCHOR_LENGTH <= found and length[j] + 1 > length[i]:
                length[i], previous[i] = length[j] + 1, j
    chain = []
    index = max(range(len(candidates)), key=length.__getitem__, default=-1)
    while index != -1:
        chain.append(candidates[index])
        index = previous[index]
    return chain[::-1]


def align(
    reference: Sequence[str] | str, compared: Sequence[str] | str
) -> Iterator[tuple[str | None, str | None]]:
    """Pairs of aligned elements; ``None`` on the side that has a gap (dinglehopper's ``seq_align``).

    >>> list(align("cat", "cart"))
    [('c', 'c'), ('a', 'a'), (None, 'r'), ('t', 't')]
    """
    for tag, ref_start, ref_end, cmp_start, cmp_end in blocks(reference, compared):
        if tag in ("equal", "replace"):
            yield from zip(reference[ref_start:ref_end], compared[cmp_start:cmp_end], strict=True)
        elif tag == "delete":
            yield from ((element, None) for element in reference[ref_start:ref_end])
        else:
            yield from ((None, element) for element in compared[cmp_start:cmp_end])


def differing_runs(
    reference: Sequence[str] | str, compared: Sequence[str] | str
) -> Iterator[tuple[str, str]]:
    """Each maximal run of adjacent non-equal blocks as ``(reference piece, compared piece)``.

    A run is one confusion as a reader sees it: ``rn`` read as ``m`` is one run, not two operations.

    >>> list(differing_runs("modern times", "modem tirnes"))
    [('rn', 'm'), ('m', 'rn')]
    """
    run: list[Block] = []
    for block in [*blocks(reference, compared), ("equal", 0, 0, 0, 0)]:
        if block[0] != "equal":
            run.append(block)
            continue
        if run:
            yield (
                "".join(reference[run[0][1] : run[-1][2]]),
                "".join(compared[run[0][3] : run[-1][4]]),
            )
            run = []


def project_span(aligned: list[Block], start: int, end: int) -> tuple[int, int]:
    """The destination span that source span ``[start, end)`` aligns with.

    Insertions at either edge of the span are included: text the destination adds next to a span
    belongs to it as much as to its neighbour, and a judge looking at the span should see it.

    >>> project_span(blocks("thekingwas", "the king was"), 3, 7)
    (3, 9)
    """
    return _project_position(aligned, start, before=True), _project_position(aligned, end, before=False)


def _project_position(aligned: list[Block], position: int, *, before: bool) -> int:
    """Where a source boundary falls in the destination; ``before`` puts it ahead of insertions there."""
    if before:
        for tag, src_start, src_end, dest_start, _ in aligned:
            if tag == "insert" and src_start == position:
                return dest_start
            if src_start <= position < src_end:
                return dest_start + (position - src_start if tag != "delete" else 0)
        return aligned[-1][4] if aligned else 0
    for tag, src_start, src_end, dest_start, dest_end in reversed(aligned):
        if tag == "insert" and src_start == position:
            return dest_end
        if src_start < position <= src_end:
            return dest_start + (position - src_start if tag != "delete" else 0)
    return 0


def source_mask(aligned: list[Block], destination_length: int, masked: Sequence[bool]) -> list[bool]:
    """Carry a mask over source positions to the destination: which destination elements came from
    masked source elements. An inserted element is masked when the source elements on both sides are.

    >>> source_mask(blocks("XYab", "Yab"), 3, [True, True, False, False])
    [True, False, False]
    """
    result = [False] * destination_length
    for tag, src_start, src_end, dest_start, dest_end in aligned:
        if tag in ("equal", "replace"):
            result[dest_start:dest_end] = masked[src_start:src_end]
        elif tag == "insert":
            left = src_start > 0 and masked[src_start - 1]
            right = src_start < len(masked) and masked[src_start]
            if left and right:
                result[dest_start:dest_end] = [True] * (dest_end - dest_start)
    return result
