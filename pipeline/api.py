"""The Python API: ``clean`` a text, or ``clean_bytes`` of a file, into a ``Result``.

Both clean a text a section at a time (``clean_in_sections``): a text under ``pipeline.section_mb`` is one
section, a larger one is cut where paragraphs end and its sections' changes are placed in the whole.
``batch`` calls ``clean_in_sections`` itself to write a large file's outputs as its sections come.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from itertools import repeat
from typing import Any, Protocol

from pipeline.core import changelog
from pipeline.core.change_store import ChangeStore
from pipeline.core.decoding import DecodingRules, decode
from pipeline.core.document import ChangeIds, Document
from pipeline.core.edits import Change, Edit
from pipeline.core.errors import InputError
from pipeline.core.memory import release_freed_memory
from pipeline.core.sections import SectionPlace, section_ends
from pipeline.core.settings import Settings
from pipeline.stages import STAGES

FINAL_STAGE = "output"


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


@dataclass(frozen=True)
class DecodedFile:
    """A file's text as decoded, in UTF-8 (half the size of a Python string of text with a character
    beyond Latin-1 in it), the sha256 of the file's bytes and how they were decoded (for the log header;
    ``None`` for a text given as a string)."""

    utf8: bytes
    sha256: str | None
    decoding: dict[str, Any] | None


class Output(Protocol):
    """Where a text's cleaned sections go, in order: each one's text and its changes, already placed in
    the whole text, in the order its stages made them."""

    def add_section(self, text: str, changes: Iterable[Change]) -> None: ...


class CollectedOutput:
    """Sections gathered in memory into one ``Result``, the changes grouped by stage as the log has them."""

    def __init__(self, stages: Iterable[str]) -> None:
        self._texts: list[str] = []
        self._changes: dict[str, list[Change]] = {stage: [] for stage in stages}

    def add_section(self, text: str, changes: Iterable[Change]) -> None:
        self._texts.append(text)
        for change in changes:
            self._changes[change.stage].append(change)

    def result(self, head: dict[str, Any]) -> Result:
        store = ChangeStore()
        for changes in self._changes.values():
            for change in changes:
                store.append(change)
        return Result("".join(self._texts), store, head)


def clean(text: str, **settings: Any) -> Result:
    """Clean a text with the given settings (see ``Settings``).

    >>> clean("Clean text stays as it is.").text
    'Clean text stays as it is.\\n'
    """
    return clean_text(text, Settings(**settings))


def clean_text(text: str, settings: Settings, *, name: str = "<text>") -> Result:
    """Clean a text with a settings object; ``name`` is what the log header calls it."""
    output = CollectedOutput(stage_order(settings))
    head = clean_in_sections(DecodedFile(text.encode("utf-8"), None, None), settings, output, name=name)
    return output.result(head)


def clean_bytes(data: bytes, name: str, settings: Settings) -> Result:
    """Decode a file's bytes and clean them; ``InputError`` says why a file cannot be cleaned."""
    decoded = read_file(data, name, settings)
    del data  # freed now where the caller keeps no reference
    output = CollectedOutput(stage_order(settings))
    head = clean_in_sections(decoded, settings, output, name=name)
    return output.result(head)


def read_file(data: bytes, name: str, settings: Settings) -> DecodedFile:
    """A file's bytes decoded, with their sha256: a caller that drops the bytes then does not hold them
    while the text is cleaned."""
    limit = settings.rules("pipeline").number("max_input_mb", low=0)
    if len(data) > limit * 1_000_000:
        raise InputError(
            f"{name}: {len(data) / 1e6:.0f} MB is over the {limit:g} MB limit "
            "(raise it with --set pipeline.max_input_mb=N)"
        )
    sha256 = hashlib.sha256(data).hexdigest()
    decoded = decode(data, name, DecodingRules.from_table(settings.rules("encoding")))
    del data  # freed now where the caller keeps no reference: the file is then held twice, not three times
    return DecodedFile(decoded.text.encode("utf-8"), sha256, decoded.describe())


def section_bytes(settings: Settings) -> int:
    """How large a section is, in bytes of UTF-8 (``pipeline.section_mb``; 0: a file is one section)."""
    return round(settings.rules("pipeline").number("section_mb", low=0) * 1_000_000)


def stage_order(settings: Settings) -> tuple[str, ...]:
    """The stages a run goes through, in order, ending with the final newline."""
    return (*settings.stages(), FINAL_STAGE)


@dataclass(frozen=True)
class CleanedSection:
    """One section cleaned as a document of its own: its text and changes (offsets and ids its own), and
    what placing them in the whole text takes."""

    text: str
    changes: Sequence[Change]
    received: dict[str, int]  # the length of the text each stage received
    raw_length: int
    raw_lines: int  # line ends in its raw text
    page_starts: list[int]


def clean_in_sections(
    decoded: DecodedFile,
    settings: Settings,
    output: Output,
    *,
    name: str,
    workers: Executor | None = None,
) -> dict[str, Any]:
    """Clean a decoded text a section at a time into ``output``; return the log's header.

    Each section is a document of its own, so what a stage learns from the whole document (running
    headers, the vocabulary, the quote style) it learns from the section, and only the last one gets the
    final newline. With ``workers`` (a pool of processes), sections are cleaned side by side; the outputs
    are the same, as a change's id is numbered again in the whole text from its digest. A reviewer's
    decisions name changes by those ids as the sections meet them, so with decisions the sections are
    cleaned in turn.
    """
    size = section_bytes(settings)
    raw = decoded.utf8
    ends = section_ends(raw, size)
    pieces = (raw[start:end] for start, end in zip([0, *ends], ends, strict=False))
    lasts = [end == len(raw) for end in ends]
    sections: Iterator[CleanedSection]
    if workers is None or len(ends) == 1 or settings.decisions:
        shared = ChangeIds()  # the whole file's ids as the sections meet them, for the decisions
        sections = (
            clean_section(piece, name, settings, last, shared)
            for piece, last in zip(pieces, lasts, strict=True)
        )
    else:
        sections = workers.map(clean_section, pieces, repeat(name), repeat(settings), lasts)
    numbering = ChangeIds()
    place = SectionPlace()
    cleaned_sha256 = hashlib.sha256()
    page_starts: list[int] = []
    for section in sections:
        output.add_section(
            section.text, (place.of(change, numbering.renumbered(change.id)) for change in section.changes)
        )
        changelog.update_sha256(cleaned_sha256, section.text)
        page_starts.extend(place.raw + offset for offset in section.page_starts)
        place.advance(section.raw_length, section.raw_lines, len(section.page_starts), section.received)
        del section  # before the next section is cleaned
        release_freed_memory(size)
    return changelog.header(
        source=name,
        source_sha256=decoded.sha256,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        cleaned_sha256=cleaned_sha256.hexdigest(),
        settings=settings.describe(),
        page_starts=page_starts,
        **({"decoding": decoded.decoding} if decoded.decoding is not None else {}),
    )


def clean_section(
    raw: bytes, name: str, settings: Settings, last: bool, ids: ChangeIds | None = None
) -> CleanedSection:
    """Clean one section (its UTF-8 bytes) as a document of its own: a function of the module, so that
    a pool of processes can run it. ``ids``: those given in the sections before, where they are known."""
    document = Document(raw.decode("utf-8"), name, ids)
    received = _run_stages(document, settings, last=last)
    return CleanedSection(
        document.text,
        document.located_changes(),
        received,
        len(document.raw),
        document.raw.count("\n"),
        document.page_starts(),
    )


def _run_stages(document: Document, settings: Settings, *, last: bool) -> dict[str, int]:
    """Run the selected stages over a document, then (for the last section of a text) end it with
    exactly one newline; return the length of the text each stage received."""
    min_confidence = settings.rules("pipeline").number("min_confidence", low=0, high=1)
    decisions = settings.decision_map()
    received = {}
    for name in settings.stages():
        received[name] = len(document.text)
        # The edits go to the core unnamed: freed once applied, not held while the next stage runs.
        document.apply(
            name, STAGES[name](document, settings), min_confidence=min_confidence, decisions=decisions
        )
        release_freed_memory(len(document.text))
    received[FINAL_STAGE] = len(document.text)
    if last:
        document.apply(FINAL_STAGE, [final_newline(document.text)], decisions=decisions)
    return received


def final_newline(text: str) -> Edit:
    """Replace the whitespace at the end of the text with one newline, as files of lines should end.

    >>> final_newline("last line  \\n\\n\\n")
    Edit(start=9, end=14, replacement='\\n', rule='final-newline', confidence=1.0, applied=True, note='')
    """
    end = len(text.rstrip())
    return Edit(end, len(text), "\n" if end else "", "final-newline")
