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
from pipeline.core.edits import Edit
from pipeline.core.mojibake import find_repairs, repair_config
from pipeline.core.settings import Settings


def run(document: Document, settings: Settings) -> list[Edit]:
    """Normalise characters, except inside mojibake the encoding stage will repair."""
    fixes = CharacterFixes.from_table(settings.rules("input"))
    edits = fixes.edits(document.text)
    if edits and "encoding" in settings.stages():
        config = repair_config(settings.rules("encoding"))
        edits = leave_mojibake_alone(document.text, edits, config)
    return edits


def leave_mojibake_alone(text: str, edits: list[Edit], config: ftfy.TextFixerConfig) -> list[Edit]:
    """Drop the edits that touch a span the encoding stage will repair, so it sees the mojibake whole.
    Only the lines that hold an edit are given to ftfy.

    >>> text = "ant\\u00c3\\u00adgeno, soft\\u00adhyphen"
    >>> config = ftfy.TextFixerConfig(uncurl_quotes=False)
    >>> [(e.start, e.rule) for e in leave_mojibake_alone(text, CharacterFixes().edits(text), config)]
    [(15, 'soft-hyphen')]
    """
    lines = sorted({line_at(text, edit.start) for edit in edits})
    spans = sorted(
        (start, end) for repair in find_repairs(text, config, lines=lines) for start, end, _ in repair.spans()
    )
    if not spans:
        return edits
    ends = [end for _, end in spans]
    kept = []
    for edit in edits:
        index = bisect_left(ends, edit.start + 1)
        if index < len(spans) and spans[index][0] < edit.end:
            continue
        kept.append(edit)
    return kept
