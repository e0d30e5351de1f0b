"""Stage `encoding`: mojibake (text decoded with the wrong encoding, ``â€™`` for ``’``) repaired with
ftfy, as minimal positioned edits.

Only lines that hold a pair of characters ftfy's badness check looks for, and that the check then
flags, are given to ``ftfy.fix_encoding_and_explain`` (see ``pipeline.core.mojibake``); text that is
right is never touched. Each repair is aligned with its line, and every changed span becomes an edit
whose rule names ftfy's explanation: each ``encode X`` / ``decode Y`` pair as ``X->Y``, each further
fixer by its name, joined by ``+`` (``encoding/sloppy-windows-1252->utf-8``,
``encoding/latin-1->utf-8+restore-byte-a0``).
When the input stage runs, the repaired text gets its fixes too (a repair may produce a ligature or a
full-width comma), so a second run changes nothing.

A repair that only turns C1 control characters into Windows-1252 punctuation piecemeal, in a line ftfy
does not read in another encoding as a whole and finds no other mojibake in (``parlé\\x85`` to
``parlé…``), is only suggested: that is ftfy's weakest evidence, and ftfy's own negative cases hold
such text as right (``rules/encoding.toml: repair.lone_c1_as_suggestion``).
"""

from __future__ import annotations

import regex

from pipeline.core.characters import CharacterFixes
from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.mojibake import find_repairs, repair_config
from pipeline.core.settings import Settings

_C1_CONTROLS = regex.compile(r"[\x80-\x9f]+")
_LONE_C1 = "a C1 control read as Windows-1252 punctuation in otherwise right text: left for a reviewer"


def run(document: Document, settings: Settings) -> list[Edit]:
    """Repair each line ftfy calls mojibake, as edits named after ftfy's steps."""
    rules = settings.rules("encoding")
    lone_c1_as_suggestion = rules.table("repair").flag("lone_c1_as_suggestion")
    fixes = CharacterFixes.from_table(settings.rules("input")) if "input" in settings.stages() else None
    edits = []
    normalise = fixes.normalise if fixes is not None else None
    for repair in find_repairs(document.text, repair_config(rules), normalise):
        spans = list(repair.spans())
        lone_c1 = (
            lone_c1_as_suggestion
            and "->" not in repair.rule
            and all(_C1_CONTROLS.fullmatch(document.text, start, end) for start, end, _ in spans)
        )
        edits.extend(
            Edit(start, end, replacement, repair.rule, applied=not lone_c1, note=_LONE_C1 if lone_c1 else "")
            for start, end, replacement in spans
        )
    return edits
