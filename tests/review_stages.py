"""Stand-in stages for the review tests: real edits of several stages, some applied, some suggested.

The review works on any change log; until the real stages land in this branch, these give logs with
changes worth reviewing. They are test fixtures, not cleaning rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import regex

from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.settings import Settings

# A line end inside a paragraph: a non-blank line followed by another non-blank line.
_LINE_JOIN = regex.compile(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)")
_DOUBLED_V = regex.compile(r"\bVV(?=[a-z])")
_CURLED_APOSTROPHE = regex.compile(r"(?<=\w)'’(?=\w)")
_STRAIGHT_APOSTROPHE = regex.compile(r"(?<=\w)'(?=\w)")


def join_lines(document: Document, settings: Settings) -> list[Edit]:
    return [
        Edit(m.start(), m.end(), " ", "join-line", confidence=0.95)
        for m in _LINE_JOIN.finditer(document.text)
    ]


def ocr_fixes(document: Document, settings: Settings) -> list[Edit]:
    """A doubled capital ``VV`` at a word start (sure) and a doubled apostrophe (unsure: a suggestion)."""
    edits = [
        Edit(m.start(), m.end(), "V", "doubled-v", confidence=0.9) for m in _DOUBLED_V.finditer(document.text)
    ]
    edits += [
        Edit(m.start(), m.end(), "’", "doubled-apostrophe", confidence=0.3)
        for m in _CURLED_APOSTROPHE.finditer(document.text)
    ]
    return edits


def curl_apostrophes(document: Document, settings: Settings) -> list[Edit]:
    return [
        Edit(m.start(), m.end(), "’", "curl-apostrophe", confidence=0.8)
        for m in _STRAIGHT_APOSTROPHE.finditer(document.text)
    ]


STAND_INS = {"reflow": join_lines, "ocr": ocr_fixes, "typography": curl_apostrophes}


@contextmanager
def stand_in_stages() -> Iterator[None]:
    """Run the pipeline with the stand-in stages in place of the pass-through ones."""
    with pytest.MonkeyPatch.context() as patch:
        from pipeline.stages import STAGES

        for name, stage in STAND_INS.items():
            patch.setitem(STAGES, name, stage)
        yield
