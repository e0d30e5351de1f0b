"""The change log: `NAME.changes.jsonl`, a header line then one line per change; and restoring from it.

Restoring walks the stages backwards: each applied change says where it sat in the text its stage
received (``at``), what it found there (``before``) and what it wrote (``after``), so undoing a stage's
changes gives back the text that stage received, down to the decoded raw text.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import fields
from itertools import groupby
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any

from pipeline import __version__
from pipeline.core.edits import Change, splice
from pipeline.core.errors import RestoreError

FORMAT = "scanclean-changes"
FORMAT_VERSION = 1
_CHANGE_FIELDS = (
    "id",
    "stage",
    "rule",
    "raw_start",
    "raw_end",
    "line",
    "page",
    "before",
    "after",
    "confidence",
    "applied",
    "note",
    "at",
)
_ENCODER = json.JSONEncoder(ensure_ascii=False)
_change_fields = attrgetter(*_CHANGE_FIELDS)
# The types of a change's fields as the core makes them (the confidence a float, or an int when a stage
# gave one): such a change is written by the format string in ``change_to_json``.
_PLAIN_FIELD_TYPES = {
    (str, str, str, int, int, int, int, str, str, confidence, bool, str, int) for confidence in (float, int)
}
_HASH_CHUNK = 1 << 20


def sha256_text(text: str) -> str:
    """The sha256 of a text's UTF-8 bytes, as the log header records it.

    >>> sha256_text("") == hashlib.sha256(b"").hexdigest()
    True
    """
    digest = hashlib.sha256()
    update_sha256(digest, text)
    return digest.hexdigest()


def update_sha256(digest: Any, text: str) -> None:
    """Add a text's UTF-8 bytes to a running sha256 (a file cleaned a section at a time is hashed so).

    Encoded a megabyte at a time: encoding a whole 50 MB text at once would hold up to three times its
    size in bytes for a moment.
    """
    for start in range(0, len(text), _HASH_CHUNK):
        digest.update(text[start : start + _HASH_CHUNK].encode("utf-8"))


def header(
    *, source: str, source_sha256: str | None, raw_sha256: str, cleaned_sha256: str, **facts: Any
) -> dict[str, Any]:
    """The first line of a change log: what was cleaned, by which version, with which settings."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "tool_version": __version__,
        "input": source,
        "input_sha256": source_sha256,
        "raw_sha256": raw_sha256,
        "cleaned_sha256": cleaned_sha256,
        **facts,
    }


def change_to_json(change: Change) -> str:
    """One change as a line of JSON, exactly as ``json.dumps`` writes its fields (without the newline).

    A log can hold a million changes, so a change of plain values is written with one format string and
    the encoder's own function for strings, instead of building a dict and walking it; any other goes
    through the encoder.

    >>> change_to_json(Change("x", "ocr", "ocr/l-for-I", 0, 0, 1, 'l"', "I", 1.0, True))[:50]
    '{"id": "x", "stage": "ocr", "rule": "ocr/l-for-I",'
    """
    values = _change_fields(change)
    if tuple(map(type, values)) not in _PLAIN_FIELD_TYPES or not math.isfinite(change.confidence):
        return _ENCODER.encode(dict(zip(_CHANGE_FIELDS, values, strict=True)))
    id_, stage, rule, raw_start, raw_end, line, page, before, after, confidence, applied, note, at = values
    string = encode_basestring
    return (
        f'{{"id": {string(id_)}, "stage": {string(stage)}, "rule": {string(rule)}, "raw_start": {raw_start}, '
        f'"raw_end": {raw_end}, "line": {line}, "page": {page}, "before": {string(before)}, '
        f'"after": {string(after)}, "confidence": {confidence!r}, '
        f'"applied": {"true" if applied else "false"}, "note": {string(note)}, "at": {at}}}'
    )


def dump(head: dict[str, Any], changes: Iterable[Change]) -> str:
    """The whole log as text: header line, then the changes in the order they were made."""
    return "".join(dump_lines(head, changes))


def header_line(head: dict[str, Any]) -> str:
    """The log's first line."""
    return json.dumps(head, ensure_ascii=False) + "\n"


def dump_lines(head: dict[str, Any], changes: Iterable[Change]) -> Iterator[str]:
    """The log a line at a time, so a large one is written without being held whole in memory."""
    yield header_line(head)
    for change in changes:
        yield change_to_json(change) + "\n"


def parse(text: str, where: str = "change log") -> tuple[dict[str, Any], list[Change]]:
    """Read a log back into its header and changes, with a clear error for anything malformed."""
    records = list(_json_lines(text, where))
    if not records or records[0].get("format") != FORMAT:
        raise RestoreError(f"{where}: not a scanclean change log (no '{FORMAT}' header line)")
    head, body = records[0], records[1:]
    if head.get("format_version") != FORMAT_VERSION:
        raise RestoreError(f"{where}: log format {head.get('format_version')} is not {FORMAT_VERSION}")
    known = {field.name for field in fields(Change)}
    changes = []
    for number, record in enumerate(body, start=2):
        missing = {"stage", "at", "before", "after", "applied"} - record.keys()
        if missing:
            raise RestoreError(f"{where}, line {number}: missing {', '.join(sorted(missing))}")
        changes.append(Change(**{key: value for key, value in record.items() if key in known}))
    return head, changes


def _json_lines(text: str, where: str) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise RestoreError(f"{where}, line {number}: not JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise RestoreError(f"{where}, line {number}: not a JSON object")
        yield record


def restore(cleaned: str, changes: Iterable[Change], head: dict[str, Any] | None = None) -> str:
    """Rebuild the raw text from the cleaned text and its applied changes, undoing stage by stage.

    >>> from pipeline.core.edits import Change
    >>> change = Change("x", "ocr", "ocr/l-for-I", 0, 0, 1, "l", "I", 1.0, True)
    >>> restore("Iosif", [change])
    'losif'
    """
    if head is not None and head.get("cleaned_sha256") not in (None, sha256_text(cleaned)):
        raise RestoreError("the cleaned text is not the one this change log was written for (sha256 differs)")
    text = cleaned
    applied = [change for change in changes if change.applied]
    groups = [list(group) for _, group in groupby(applied, key=lambda change: change.stage)]
    for group in reversed(groups):
        text = _undo_stage(text, group)
    if head is not None and head.get("raw_sha256") not in (None, sha256_text(text)):
        raise RestoreError("the restored text does not match the raw text's sha256 in the log header")
    return text


def _undo_stage(text: str, changes: list[Change]) -> str:
    """Undo one stage: its changes, sorted by ``at``, sit ``at + shift`` into the stage's output."""
    undo: list[tuple[int, int, str]] = []
    shift = 0
    for change in sorted(changes, key=lambda change: change.at):
        start = change.at + shift
        end = start + len(change.after)
        if text[start:end] != change.after:
            raise RestoreError(
                f"change {change.id} ({change.rule}) does not match the text at offset {start}"
            )
        undo.append((start, end, change.before))
        shift += len(change.after) - len(change.before)
    return splice(text, undo)
