"""Comparing two change logs of one scan: what a new version of the rules added, removed or altered.

Changes are matched by their stable id first. What is left is matched by stage and raw position, so a
rule that now writes something else at the same place shows as one altered change, not as a removal
and an addition.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import click

from pipeline.core.edits import Change
from pipeline.core.errors import InputError
from pipeline.review.terminal import format_change, visible

# What may differ between two changes with one id (the id already fixes rule, before, after and place).
_COMPARED = ("applied", "confidence", "note")


@dataclass
class LogDiff:
    """The changes only in the old log, only in the new one, and those in both that differ."""

    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    altered: list[tuple[Change, Change]] = field(default_factory=list)
    unchanged: int = 0


def diff_changes(old: tuple[Change, ...], new: tuple[Change, ...]) -> LogDiff:
    """Match the changes of two logs by id, then by stage and raw span.

    >>> a = Change("a1", "ocr", "ocr/l-for-I", 0, 0, 1, "l", "I", 0.9, True)
    >>> b = Change("b1", "ocr", "ocr/l-for-I", 0, 0, 1, "l", "1", 0.9, True)
    >>> result = diff_changes((a,), (b,))
    >>> [(o.after, n.after) for o, n in result.altered], result.added, result.removed
    ([('I', '1')], [], [])
    """
    result = LogDiff()
    new_by_id = {change.id: change for change in new}
    old_left = []
    for change in old:
        match = new_by_id.pop(change.id, None)
        if match is None:
            old_left.append(change)
        elif any(getattr(change, name) != getattr(match, name) for name in _COMPARED):
            result.altered.append((change, match))
        else:
            result.unchanged += 1
    by_place: dict[tuple[str, int, int], list[Change]] = {}
    for change in new_by_id.values():
        by_place.setdefault((change.stage, change.raw_start, change.raw_end), []).append(change)
    for change in old_left:
        candidates = by_place.get((change.stage, change.raw_start, change.raw_end))
        if candidates:
            result.altered.append((change, candidates.pop(0)))
        else:
            result.removed.append(change)
    result.added = [change for group in by_place.values() for change in group]
    for changes in (result.added, result.removed):
        changes.sort(key=lambda change: change.raw_start)
    result.altered.sort(key=lambda pair: pair[1].raw_start)
    return result


def check_same_scan(old_head: dict[str, Any], new_head: dict[str, Any], old: str, new: str) -> None:
    """Two logs can only be compared when they describe the same raw text."""
    if old_head.get("raw_sha256") != new_head.get("raw_sha256"):
        raise InputError(f"{old} and {new} are logs of different scans (their raw_sha256 differ)")


def what_differs(old: Change, new: Change) -> str:
    """One phrase per field that differs between two matched changes.

    >>> a = Change("a1", "ocr", "ocr/l-for-I", 0, 0, 1, "l", "I", 0.9, True)
    >>> what_differs(a, Change("a1", "ocr", "ocr/l-for-I", 0, 0, 1, "l", "I", 0.4, False, "unsure"))
    'confidence 0.90 → 0.40; applied → suggestion; note "" → "unsure"'
    """
    parts = []
    if old.rule != new.rule:
        parts.append(f"rule {old.rule} → {new.rule}")
    if (old.before, old.after) != (new.before, new.after):
        was, now = (
            f'"{visible(old.before)}"→"{visible(old.after)}"',
            f'"{visible(new.before)}"→"{visible(new.after)}"',
        )
        parts.append(f"{was} now {now}")
    if old.confidence != new.confidence:
        parts.append(f"confidence {old.confidence:.2f} → {new.confidence:.2f}")
    if old.applied != new.applied:
        parts.append("applied → suggestion" if old.applied else "suggestion → applied")
    if old.note != new.note:
        parts.append(f'note "{old.note}" → "{new.note}"')
    return "; ".join(parts)


def diff_lines(result: LogDiff, raw: str, old_name: str, new_name: str) -> Iterator[str]:
    """The report: a summary line, then added (+), removed (-) and altered (~) changes in raw order."""
    yield (
        f"{old_name} → {new_name}: {len(result.added)} added, {len(result.removed)} removed, "
        f"{len(result.altered)} altered, {result.unchanged} unchanged"
    )
    sections = (
        ("added", "+", "green", [(None, change) for change in result.added]),
        ("removed", "-", "red", [(None, change) for change in result.removed]),
        ("altered", "~", "yellow", result.altered),
    )
    for title, sign, colour, pairs in sections:
        if not pairs:
            continue
        yield ""
        yield click.style(f"{title} ({len(pairs)})", bold=True, underline=True)
        for old, change in pairs:
            head, context = format_change(change, raw)
            yield click.style(sign, fg=colour, bold=True) + head[1:]
            if old is not None:
                was = f" (was {old.id})" if old.id != change.id else ""
                yield f"      {what_differs(old, change)}{was}"
            yield context
