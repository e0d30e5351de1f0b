"""Stage `input`: line endings, BOM, control and zero-width characters, soft hyphens, ligatures,
full-width forms and NFC, each a logged edit under its own rule (``input/line-ending``, ...).

The fixes themselves live in ``pipeline.core.characters`` (the encoding stage applies them to its
repairs too); ``rules/input.toml`` says which run. A soft hyphen at the end of a line is kept for the
reflow stage as a hyphenation mark. Characters that belong to mojibake (``Ã\\xad`` is ``í`` read as
Windows-1252) are left for the encoding stage, which repairs the whole sequence.
"""

from __future__ import annotations

from bisect import bisect_left

import ftfy

from pipeline.core.characters import CharacterFixes, line_at
from pipeline.core.document import Document
from pipeline.core.edits import Edit, splice
from pipeline.core.mojibake import find_repairs, repair_config
from pipeline.core.settings import Settings


def run(document: Document, settings: Settings) -> list[Edit]:
    """Normalise characters, except inside mojibake the encoding stage will repair."""
    fixes = CharacterFixes.from_table(settings.rules("input"))
    edits = fixes.edits(document.text)
    if edits and "encoding" in settings.stages():
        config = repair_config(settings.rules("encoding"))
        edits = leave_mojibake_alone(document.text, edits, config, fixes)
    return edits


def leave_mojibake_alone(
    text: str, edits: list[Edit], config: ftfy.TextFixerConfig, fixes: CharacterFixes
) -> list[Edit]:
    """Drop the edits that touch a span the encoding stage will repair, so it sees the mojibake whole.
    Only the lines that hold an edit are given to ftfy.

    ftfy judges a line as a whole, so the edits kept can change its mind: ``В\u3000Ã\xadE`` is mojibake
    to ftfy, but with the ideographic space made a space it is not, and the soft hyphen would be left
    for a second run to remove. Where the encoding stage would leave such a line with characters to
    fix, every edit of the line is left to it: it then repairs the line the input stage judged, and
    normalises its repair.

    >>> text = "ant\u00c3\u00adgeno, soft\u00adhyphen"
    >>> config, fixes = ftfy.TextFixerConfig(uncurl_quotes=False), CharacterFixes()
    >>> [(e.start, e.rule) for e in leave_mojibake_alone(text, fixes.edits(text), config, fixes)]
    [(15, 'soft-hyphen')]
    >>> text = "В\u3000Ã\u00adE"
    >>> leave_mojibake_alone(text, fixes.edits(text), config, fixes)
    []
    """
    by_line: dict[tuple[int, int], list[Edit]] = {}
    for edit in edits:
        by_line.setdefault(line_at(text, edit.start), []).append(edit)
    kept = []
    for (start, end), line_edits in sorted(by_line.items()):
        spans = sorted(
            (span_start, span_end)
            for repair in find_repairs(text, config, lines=[(start, end)])
            for span_start, span_end, _ in repair.spans()
        )
        outside = [edit for edit in line_edits if not _touches(edit, spans)]
        if len(outside) < len(line_edits):
            seen = splice(text[start:end], [(e.start - start, e.end - start, e.replacement) for e in outside])
            if not _encoding_settles(seen, config, fixes):
                outside = []
        kept.extend(outside)
    return kept


def _touches(edit: Edit, spans: list[tuple[int, int]]) -> bool:
    """Whether ``edit`` overlaps one of the sorted, disjoint ``spans``."""
    index = bisect_left([end for _, end in spans], edit.start + 1)
    return index < len(spans) and spans[index][0] < edit.end


def _encoding_settles(text: str, config: ftfy.TextFixerConfig, fixes: CharacterFixes) -> bool:
    """Whether the encoding stage, given ``text``, leaves nothing for a second run of the input stage."""
    repairs = [span for repair in find_repairs(text, config, fixes.normalise) for span in repair.spans()]
    return not fixes.edits(splice(text, repairs))
