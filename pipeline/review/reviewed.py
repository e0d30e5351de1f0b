"""A change log opened for review: its header, its changes, and the raw and cleaned texts it belongs to."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.batch import LOG_SUFFIX, read_utf8
from pipeline.core import changelog
from pipeline.core.edits import Change
from pipeline.core.errors import InputError, RestoreError


@dataclass(frozen=True)
class ReviewedLog:
    """A change log with the texts it describes; the raw text is rebuilt from the cleaned one."""

    path: Path
    head: dict[str, Any]
    changes: tuple[Change, ...]
    cleaned: str
    raw: str

    @property
    def name(self) -> str:
        """The input's name as the log header records it."""
        return str(self.head.get("input") or self.path.name.removesuffix(LOG_SUFFIX))


def cleaned_path_for(log_path: Path) -> Path:
    """``cleaned/NAME.txt`` next to ``cleaned/NAME.changes.jsonl``.

    >>> cleaned_path_for(Path("cleaned/letters.changes.jsonl")).as_posix()
    'cleaned/letters.txt'
    """
    name = log_path.name
    stem = name[: -len(LOG_SUFFIX)] if name.endswith(LOG_SUFFIX) else log_path.stem
    return log_path.with_name(f"{stem}.txt")


def read_log(path: Path) -> tuple[dict[str, Any], tuple[Change, ...]]:
    """Just the header and changes of a log (what ``diff`` needs)."""
    head, changes = changelog.parse(read_utf8(path), str(path))
    return head, tuple(changes)


def open_log(log_path: Path, cleaned_path: Path | None = None) -> ReviewedLog:
    """Read a log and its cleaned text (next to it unless given) and rebuild the raw text from them."""
    head, changes = read_log(log_path)
    cleaned_path = cleaned_path or cleaned_path_for(log_path)
    if not cleaned_path.exists():
        raise InputError(
            f"{cleaned_path}: the cleaned text of {log_path} is not there; name it with --cleaned FILE"
        )
    cleaned = read_utf8(cleaned_path)
    try:
        raw = changelog.restore(cleaned, changes, head)
    except RestoreError as error:
        raise RestoreError(f"{log_path} and {cleaned_path}: {error}") from None
    return ReviewedLog(log_path, head, changes, cleaned, raw)


def select(
    changes: Iterable[Change],
    *,
    stages: Iterable[str] = (),
    rules: Iterable[str] = (),
    below: float | None = None,
    suggestions: bool = False,
) -> list[Change]:
    """The changes a reviewer asked for. A rule matches by full name, short name or glob (``ocr/*``).

    >>> changes = [Change("a", "ocr", "ocr/l-for-I", 0, 0, 1, "l", "I", 0.4, False),
    ...            Change("b", "reflow", "reflow/join-line", 5, 5, 6, "\\n", " ", 1.0, True)]
    >>> [c.id for c in select(changes, rules=["l-for-I"])], [c.id for c in select(changes, below=0.5)]
    (['a'], ['a'])
    >>> [c.id for c in select(changes, stages=["reflow"])], [c.id for c in select(changes, suggestions=True)]
    (['b'], ['a'])
    """
    stages, rules = set(stages), list(rules)

    def wanted(change: Change) -> bool:
        short = change.rule.partition("/")[2]
        return (
            (not stages or change.stage in stages)
            and (not rules or any(fnmatch.fnmatchcase(change.rule, r) or short == r for r in rules))
            and (below is None or change.confidence < below)
            and (not suggestions or not change.applied)
        )

    return [change for change in changes if wanted(change)]
