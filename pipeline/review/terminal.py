"""Reading a change log in the terminal: changes grouped by stage, each in a line of its raw context."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby

import click

from pipeline.core.edits import Change
from pipeline.core.settings import STAGE_NAMES

# How many characters of the raw line to show either side of a change.
CONTEXT = 40
# Characters that would be invisible or break the one-line layout, shown as visible symbols.
_VISIBLE = str.maketrans({"\n": "⏎", "\f": "␌", "\t": "⇥", "\r": "␍", "\u00a0": "⍽", "\u00ad": "¬"})


def visible(text: str) -> str:
    """Text with line breaks, form feeds and other invisible characters shown as symbols.

    >>> visible("end of line\\nnext")
    'end of line⏎next'
    """
    return text.translate(_VISIBLE)


def marked_context(change: Change, raw: str, width: int = CONTEXT) -> tuple[str, str, str, str]:
    """The raw line around a change, cut to ``width`` either side: ``(left, before, after, right)``.

    >>> change = Change("a", "ocr", "ocr/l-for-I", 0, 4, 5, "l", "I", 1.0, True)
    >>> marked_context(change, "Say losif Stalin\\nnext line")
    ('Say ', 'l', 'I', 'osif Stalin')
    """
    line_start = raw.rfind("\n", 0, change.raw_start) + 1
    line_end = raw.find("\n", change.raw_end)
    left = raw[max(line_start, change.raw_start - width) : change.raw_start]
    right = raw[change.raw_end : min(len(raw) if line_end == -1 else line_end, change.raw_end + width)]
    if change.raw_start - width > line_start:
        left = "…" + left
    if line_end != -1 and change.raw_end + width < line_end:
        right += "…"
    return visible(left), visible(change.before), visible(change.after), visible(right)


def format_change(change: Change, raw: str) -> list[str]:
    """Two lines for one change: who made it and how sure, then its raw context with the change marked.

    The marks ``[-removed-]{+inserted+}`` stay readable when colour is stripped (piped output).
    """
    status = "applied" if change.applied else click.style("suggestion", fg="yellow")
    where = f"p.{change.page} l.{change.line}" if change.line else f"@{change.raw_start}"
    head = f"  {change.id}  {where}  {click.style(change.rule, bold=True)}  {change.confidence:.2f}  {status}"
    if change.note:
        head += f"  ({change.note})"
    left, before, after, right = marked_context(change, raw)
    mark = click.style(f"[-{before}-]", fg="red") + click.style(f"{{+{after}+}}", fg="green")
    return [head, f"      {left}{mark}{right}"]


def stage_order(stage: str) -> int:
    """Pipeline order for grouping; the final ``output`` step and unknown stages come last."""
    return STAGE_NAMES.index(stage) if stage in STAGE_NAMES else len(STAGE_NAMES)


def review_lines(name: str, shown: Iterable[Change], total: int, raw: str) -> Iterator[str]:
    """The whole terminal review: a summary line, then the changes grouped by stage in pipeline order."""
    shown = sorted(shown, key=lambda change: (stage_order(change.stage), change.raw_start))
    suggestions = sum(not change.applied for change in shown)
    yield (
        f"{name}: {len(shown)} of {total} changes shown "
        f"({len(shown) - suggestions} applied, {suggestions} suggestion{'' if suggestions == 1 else 's'})"
    )
    for stage, group in groupby(shown, key=lambda change: change.stage):
        changes = list(group)
        yield ""
        yield click.style(f"{stage} ({len(changes)})", bold=True, underline=True)
        for change in changes:
            yield from format_change(change, raw)
