"""The `scanclean` command: parses options, calls the API, prints. No cleaning logic lives here."""

from __future__ import annotations

import functools
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from pipeline import __version__
from pipeline.api import read_file
from pipeline.batch import (
    Outcome,
    clean_decoded,
    clean_files,
    find_inputs,
    read_input,
    read_utf8,
    write_atomically,
)
from pipeline.core import changelog
from pipeline.core.errors import ScancleanError
from pipeline.core.settings import STAGE_NAMES, Settings
from pipeline.eval.command import eval_command
from pipeline.review import command as review_command
from pipeline.review.decisions import stale_decisions, with_decisions


class _Command(click.Group):
    """Prints errors the user can fix as one line, without a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ScancleanError as error:
            click.echo(f"scanclean: {error}", err=True)
            sys.exit(1)


def _stage_list(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...]:
    names = tuple(name.strip() for name in (value or "").split(",") if name.strip())
    unknown = [name for name in names if name not in STAGE_NAMES]
    if unknown:
        raise click.BadParameter(f"unknown stage {unknown[0]!r}; choose from {','.join(STAGE_NAMES)}")
    return names


def _settings_options(command: Any) -> Any:
    """The options every cleaning command shares, turned into one ``Settings``."""
    options = [
        click.option(
            "--only", callback=_stage_list, metavar="STAGES", help="Run only these stages (a,b,...)."
        ),
        click.option(
            "--skip", callback=_stage_list, metavar="STAGES", help="Leave these stages out (a,b,...)."
        ),
        click.option(
            "--rules",
            "rules_dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="A folder of NAME.toml files laid over the shipped rules/.",
        ),
        click.option(
            "--set",
            "overrides",
            multiple=True,
            metavar="FILE.KEY=VALUE",
            help="Override one rule for this run, e.g. --set typography.style=straight.",
        ),
        click.option("--wrap", type=click.IntRange(0), metavar="N", help="Re-wrap paragraphs at N columns."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _settings(
    only: tuple[str, ...],
    skip: tuple[str, ...],
    rules_dir: Path | None,
    overrides: tuple[str, ...],
    wrap: int | None = None,
) -> Settings:
    # --wrap N is an alias of --set reflow.wrap=N.
    overrides = (*overrides, f"reflow.wrap={wrap}") if wrap is not None else overrides
    return Settings(only=only, skip=skip, rules_dir=rules_dir, overrides=overrides)


@click.group(cls=_Command)
@click.version_option(__version__, prog_name="scanclean")
def main() -> None:
    """Clean raw OCR text of scanned documents, with a change log that can be reviewed and undone."""


@main.command()
@click.argument("paths", nargs=-1)
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1), help="Worker processes.")
@click.option("--force", is_flag=True, help="Clean even files whose outputs are up to date.")
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="cleaned",
    show_default=True,
    help="Folder for NAME.txt and NAME.changes.jsonl.",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="Run on a Dask scheduler at ADDRESS, or 'local' for a local cluster of -j workers; "
    "PATHS and -o may then be fsspec URLs.",
)
@_settings_options
def run(
    paths: tuple[str, ...], out_dir: str, jobs: int, force: bool, dask_address: str | None, **options: Any
) -> None:
    """Clean every PATH (files, or folders of .txt files; default raw/) into the output folder.

    Files whose outputs are up to date (same bytes, settings and version) are skipped unless --force.
    """
    settings = _settings(**options)
    if dask_address:
        on_dask = _dask_integration()
        client = on_dask.connect(dask_address, workers=jobs)
        inputs = on_dask.find_inputs(paths or ("raw",))
        clean = functools.partial(on_dask.clean_files_on_dask, client=client)
    else:
        client = None
        inputs = find_inputs(Path(path) for path in paths or ("raw",))
        clean = functools.partial(clean_files, jobs=jobs)
    outcomes = [item for item in inputs if isinstance(item, Outcome)]
    sources = [item for item in inputs if not isinstance(item, Outcome)]
    show_progress = sys.stderr.isatty() and len(sources) > 1
    try:
        with click.progressbar(
            length=len(sources), label="cleaning", file=sys.stderr, hidden=not show_progress
        ) as bar:
            for outcome in clean(sources, out_dir, settings, force=force):
                outcomes.append(outcome)
                bar.update(1)
    finally:
        if client is not None:
            client.close()
    _print_summary(outcomes, out_dir)
    if any(outcome.error for outcome in outcomes):
        sys.exit(1)


def _dask_integration() -> Any:
    try:
        from pipeline import on_dask
    except ImportError:
        raise ScancleanError("--dask needs the Dask extra: pip install 'scanclean[dask]'") from None
    return on_dask


def _print_summary(outcomes: list[Outcome], out_dir: str) -> None:
    failed = [outcome for outcome in outcomes if outcome.error]
    for warning in (warning for outcome in outcomes for warning in outcome.warnings):
        click.echo(f"scanclean: warning: {warning}", err=True)
    for outcome in failed:
        click.echo(f"scanclean: {outcome.error}", err=True)
    per_stage: Counter[str] = Counter()
    for outcome in outcomes:
        per_stage.update(outcome.changes_by_stage)
    skipped = sum(outcome.skipped for outcome in outcomes)
    cleaned = len(outcomes) - len(failed) - skipped
    stages = ", ".join(f"{name} {per_stage[name]}" for name in (*STAGE_NAMES, "output") if per_stage[name])
    click.echo(
        f"{cleaned} file{'s' if cleaned != 1 else ''} cleaned into {out_dir}/, {skipped} up to date, "
        f"{len(failed)} failed; changes: {stages or 'none'}",
        err=True,
    )


@main.command(name="clean")
@click.argument("source", default="-", type=click.Path(allow_dash=True, path_type=Path))
@click.option(
    "--log", "log_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the change log here."
)
@_settings_options
def clean_command(source: Path, log_path: Path | None, **options: Any) -> None:
    """Clean one FILE (or standard input, '-') and print the cleaned text."""
    settings = _settings(**options)
    if str(source) == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        settings = with_decisions(settings, source)
        data, name = read_input(source), source.name
    decoded = read_file(data, name, settings)
    del data

    def write(text: Iterator[str], log: Iterator[str]) -> None:
        if log_path is not None:
            write_atomically({log_path: log})
        try:
            for piece in text:
                sys.stdout.buffer.write(piece.encode("utf-8"))
            sys.stdout.flush()
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as filters do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    output = clean_decoded(decoded, name, settings, write)
    for warning in stale_decisions(settings, output.decided_ids_seen, name):
        click.echo(f"scanclean: warning: {warning}", err=True)


@main.command()
@click.argument("cleaned", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("changes", type=click.Path(dir_okay=False, path_type=Path))
def restore(cleaned: Path, changes: Path) -> None:
    """Print the raw text rebuilt from a CLEANED text and its CHANGES log."""
    text = read_utf8(cleaned)
    head, logged = changelog.parse(read_utf8(changes), str(changes))
    sys.stdout.buffer.write(changelog.restore(text, logged, head).encode("utf-8"))


main.add_command(review_command.review)
main.add_command(review_command.diff)
main.add_command(eval_command)
