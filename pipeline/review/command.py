"""The `scanclean review` and `scanclean diff` commands: parse options, call the review modules, print."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

from pipeline.batch import write_atomically
from pipeline.core.errors import InputError
from pipeline.core.settings import STAGE_NAMES
from pipeline.review.diff import check_same_scan, diff_changes, diff_lines
from pipeline.review.html import render_page
from pipeline.review.reviewed import cleaned_path_for, open_log, read_log, select
from pipeline.review.terminal import review_lines

_LOG = click.Path(dir_okay=False, path_type=Path)


@click.command()
@click.argument("log_path", metavar="LOG", type=_LOG)
@click.option(
    "--cleaned", "cleaned_path", type=_LOG, help="The cleaned text (default: NAME.txt next to LOG)."
)
@click.option(
    "--stage",
    "stages",
    multiple=True,
    type=click.Choice([*STAGE_NAMES, "output"]),
    help="Only this stage's changes (repeatable).",
)
@click.option(
    "--rule", "rules", multiple=True, metavar="RULE", help="Only this rule: ocr/l-for-I, l-for-I or ocr/*."
)
@click.option(
    "--below", type=click.FloatRange(0, 1), metavar="CONFIDENCE", help="Only changes less sure than this."
)
@click.option("--suggestions", is_flag=True, help="Only suggestions (changes not applied).")
@click.option("--html", "html_path", type=_LOG, help="Write a self-contained HTML review page here instead.")
def review(
    log_path: Path,
    cleaned_path: Path | None,
    stages: tuple[str, ...],
    rules: tuple[str, ...],
    below: float | None,
    suggestions: bool,
    html_path: Path | None,
) -> None:
    """Show the changes in LOG (cleaned/NAME.changes.jsonl) with their raw context, grouped by stage.

    The raw text is rebuilt from the cleaned text and the log, so nothing but the outputs is needed.
    """
    log = open_log(log_path, cleaned_path)
    shown = select(log.changes, stages=stages, rules=rules, below=below, suggestions=suggestions)
    if html_path is not None:
        write_atomically({html_path: render_page(log, shown)})
        click.echo(f"{html_path}: review page for {log.name}, {len(shown)} changes", err=True)
        return
    _show(review_lines(log.name, shown, len(log.changes), log.raw))


@click.command()
@click.argument("old_path", metavar="OLD", type=_LOG)
@click.argument("new_path", metavar="NEW", type=_LOG)
@click.option(
    "--cleaned", "cleaned_path", type=_LOG, help="NEW's cleaned text (default: NAME.txt next to NEW)."
)
def diff(old_path: Path, new_path: Path, cleaned_path: Path | None) -> None:
    """Compare two change logs OLD and NEW of one scan: changes added, removed and altered.

    Context comes from the raw text, rebuilt from NEW's cleaned text (or OLD's, when NEW's is missing).
    """
    old_head, old_changes = read_log(old_path)
    new_head, new_changes = read_log(new_path)
    check_same_scan(old_head, new_head, str(old_path), str(new_path))
    candidates = [(new_path, cleaned_path), (old_path, None)]
    for log_path, cleaned in candidates:
        if (cleaned or cleaned_path_for(log_path)).exists():
            raw = open_log(log_path, cleaned).raw
            break
    else:
        raise InputError(
            f"{cleaned_path_for(new_path)}: the cleaned text of {new_path} is not there; "
            "name it with --cleaned FILE"
        )
    result = diff_changes(old_changes, new_changes)
    _show(diff_lines(result, raw, str(old_path), str(new_path)))


def _show(lines: Iterable[str]) -> None:
    """Print through a pager on a terminal (long reviews), straight to standard output otherwise."""
    if sys.stdout.isatty():
        click.echo_via_pager(f"{line}\n" for line in lines)
    else:
        for line in lines:
            click.echo(line)
