"""Stage `input`: line endings, BOM, control and zero-width characters, soft hyphens, ligatures,
full-width forms and NFC, each a logged edit under its own rule (``input/line-ending``, ...).

The fixes themselves live in ``pipeline.core.characters`` (the encoding stage applies them to its
repairs too); ``rules/input.toml`` says which run. A soft hyphen at the end of a line is kept for the
reflow stage as a hyphenation mark. Characters that belong to mojibake (``Ã\\xad`` is ``í`` read as
Windows-1252) are left for the encoding stage, which repairs the whole sequence.
"""

from __future__ import annotations

from bisect import bisect_left

from pipeline.core.characters import CharacterFixes
from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.mojibake import find_repairs, repair_config
from pipeline.core.settings import Settings


def run(document: Document, settings: Settings) -> list[Edit]:
    """Normalise characters, except inside mojibake the encoding stage will repair."""
    edits = CharacterFixes.from_table(settings.rules("input")).edits(document.text)
    if edits and "encoding" in settings.stages():
        edits = leave_mojibake_alone(document.text, edits, settings)
    return edits


def leave_mojibake_alone(text: str, edits: list[Edit], settings: Settings) -> list[Edit]:
    """Drop the edits that touch a span ftfy would repair, so the repair sees the mojibake whole.

    >>> from pipeline.core.settings import Settings
    >>> text = "ant\\u00c3\\u00adgeno, soft\\u00adhyphen"
    >>> edits = CharacterFixes().edits(text)
    >>> [(e.start, e.rule) for e in leave_mojibake_alone(text, edits, Settings())]
    [(15, 'soft-hyphen')]
    """
    spans = sorted(
        (start, end)
        for repair in find_repairs(text, repair_config(settings.rules("encoding")))
        for start, end, _ in repair.spans()
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
