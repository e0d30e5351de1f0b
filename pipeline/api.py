"""The Python API: ``clean`` a text, or ``clean_bytes`` of a file, into a ``Result``."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.core import changelog
from pipeline.core.decoding import DecodingRules, decode
from pipeline.core.document import Document
from pipeline.core.edits import Change, Edit
from pipeline.core.errors import InputError
from pipeline.core.memory import release_freed_memory
from pipeline.core.settings import Settings
from pipeline.stages import STAGES


@dataclass(frozen=True)
class Result:
    """What cleaning gives: the cleaned text, every change made or suggested, and the log header."""

    text: str
    # Read as Change objects one at a time (``core.change_store``): a large scan has half a million.
    changes: Sequence[Change]
    header: dict[str, Any]

    def changelog(self) -> str:
        """The change log as JSON lines, as written to ``NAME.changes.jsonl``."""
        return changelog.dump(self.header, self.changes)

    def changelog_lines(self) -> Iterator[str]:
        """The change log a line at a time, for writing a large one without holding it whole."""
        return changelog.dump_lines(self.header, self.changes)


def clean(text: str, **settings: Any) -> Result:
    """Clean a text with the given settings (see ``Settings``).

    >>> clean("Clean text stays as it is.").text
    'Clean text stays as it is.\\n'
    """
    return clean_document(Document(text), Settings(**settings), source="<text>", source_sha256=None)


def clean_bytes(data: bytes, name: str, settings: Settings) -> Result:
    """Decode a file's bytes and clean them; ``InputError`` says why a file cannot be cleaned."""
    document, source_sha256 = read_document(data, name, settings)
    del data  # freed now where the caller keeps no reference (``batch.clean_file``)
    return clean_document(document, settings, source=name, source_sha256=source_sha256)


def read_document(data: bytes, name: str, settings: Settings) -> tuple[Document, str]:
    """A file's bytes decoded into a document, and their sha256: a caller that drops the bytes then
    does not hold them while the document is cleaned."""
    limit = settings.rules("pipeline").number("max_input_mb", low=0)
    if len(data) > limit * 1_000_000:
        raise InputError(
            f"{name}: {len(data) / 1e6:.0f} MB is over the {limit:g} MB limit "
            "(raise it with --set pipeline.max_input_mb=N)"
        )
    decoded = decode(data, name, DecodingRules.from_table(settings.rules("encoding")))
    document = Document(decoded.text, name)
    document.facts["decoding"] = decoded.describe()
    return document, hashlib.sha256(data).hexdigest()


def clean_document(
    document: Document, settings: Settings, *, source: str, source_sha256: str | None
) -> Result:
    """Run the selected stages over a document, then end the text with exactly one newline."""
    min_confidence = settings.rules("pipeline").number("min_confidence", low=0, high=1)
    decisions = settings.decision_map()
    for name in settings.stages():
        # The edits go to the core unnamed: freed once applied, not held while the next stage runs.
        document.apply(
            name, STAGES[name](document, settings), min_confidence=min_confidence, decisions=decisions
        )
        release_freed_memory(len(document.text))
    document.apply("output", [final_newline(document.text)], decisions=decisions)
    head = changelog.header(
        source=source,
        source_sha256=source_sha256,
        raw=document.raw,
        cleaned=document.text,
        settings=settings.describe(),
        page_starts=document.page_starts(),
        **document.facts,
    )
    return Result(document.text, document.located_changes(), head)


def final_newline(text: str) -> Edit:
    """Replace the whitespace at the end of the text with one newline, as files of lines should end.

    >>> final_newline("last line  \\n\\n\\n")
    Edit(start=9, end=14, replacement='\\n', rule='final-newline', confidence=1.0, applied=True, note='')
    """
    end = len(text.rstrip())
    return Edit(end, len(text), "\n" if end else "", "final-newline")
