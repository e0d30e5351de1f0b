"""Cleaning files: find the inputs, clean each one, write its two outputs atomically, report failures.

One bad file never stops a batch: its failure is reported with a one-line reason and the rest go on.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Protocol, TextIO

from pipeline import __version__
from pipeline.api import (
    DecodedFile,
    clean_bytes,
    clean_in_sections,
    read_file,
    section_bytes,
    stage_order,
)
from pipeline.core.changelog import change_to_json, header_line, sha256_text
from pipeline.core.edits import Change
from pipeline.core.errors import InputError, OutputError, ScancleanError
from pipeline.core.settings import Settings
from pipeline.review.decisions import stale_decisions, with_decisions

INPUT_SUFFIX = ".txt"
LOG_SUFFIX = ".changes.jsonl"
# How much of the first file warms this process up before workers are forked: enough text to load the
# word lists the corpus needs, little enough to cost a fraction of a file.
WARM_UP_BYTES = 16_000
# How much of a spilled cleaned text is read back at a time while it is written out.
SPILL_CHUNK = 1 << 20


@dataclass(frozen=True)
class Outcome:
    """What happened to one input: the changes per stage, or the one-line reason it failed."""

    source: str
    changes_by_stage: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    skipped: bool = False
    warnings: tuple[str, ...] = ()


def find_inputs(paths: Iterable[Path]) -> list[Path | Outcome]:
    """Expand folders to their ``*.txt`` files; a path that is not there becomes a failed ``Outcome``."""
    found: list[Path | Outcome] = []
    for path in paths:
        if path.is_dir():
            files = sorted(
                p for p in path.iterdir() if p.suffix == INPUT_SUFFIX and not p.name.startswith(".")
            )
            found.extend(
                files or [Outcome(str(path), error=f"{path}: no {INPUT_SUFFIX} files in this folder")]
            )
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            found.append(Outcome(str(path), error=f"{path}: no such file"))
    return found


class Files(Protocol):
    """Where inputs are read and outputs written: this machine's disk, or any fsspec file system."""

    def read_bytes(self, path: str) -> bytes: ...

    def read_text_if_exists(self, path: str) -> str | None: ...

    def write_atomically(self, contents: dict[str, str | Iterable[str]]) -> None: ...

    def join(self, folder: str, name: str) -> str: ...


class LocalFiles:
    """Inputs and outputs on this machine's file system."""

    def read_bytes(self, path: str) -> bytes:
        return read_input(Path(path))

    def read_text_if_exists(self, path: str) -> str | None:
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None

    def write_atomically(self, contents: dict[str, str | Iterable[str]]) -> None:
        write_atomically({Path(path): text for path, text in contents.items()})

    def join(self, folder: str, name: str) -> str:
        return str(Path(folder) / name)


LOCAL_FILES = LocalFiles()


def file_name(source: str) -> str:
    """The last part of a path or URL: what the change log calls the input.

    >>> file_name("s3://archive/raw/scan-001.txt")
    'scan-001.txt'
    """
    return source.replace("\\", "/").rstrip("/").rpartition("/")[2]


def output_names(source: str) -> tuple[str, str]:
    """``NAME.txt`` and ``NAME.changes.jsonl`` for an input ``.../NAME.txt``.

    >>> output_names("raw/stalin-documents.txt")
    ('stalin-documents.txt', 'stalin-documents.changes.jsonl')
    """
    name = file_name(source)
    stem = name[: -len(INPUT_SUFFIX)] if name.endswith(INPUT_SUFFIX) else name
    return f"{stem}.txt", f"{stem}{LOG_SUFFIX}"


def stale_input(
    source: str, out_dir: str, settings: Settings, *, force: bool, files: Files
) -> tuple[Settings, bytes, str, str] | None:
    """The file's settings (the reviewer's decisions for it added), bytes and output paths; ``None`` when
    its outputs were written from the same bytes under the same settings and version and are intact."""
    settings = with_decisions(settings, source)
    data = files.read_bytes(source)
    text_path, log_path = (files.join(out_dir, name) for name in output_names(source))
    if not force and outputs_are_current(
        data, settings, files.read_text_if_exists(text_path), files.read_text_if_exists(log_path)
    ):
        return None
    return settings, data, text_path, log_path


def clean_file(
    source: str | Path,
    out_dir: str | Path,
    settings: Settings,
    *,
    force: bool = True,
    files: Files = LOCAL_FILES,
    workers: Executor | None = None,
) -> Outcome:
    """Clean one file into ``out_dir``; never raises for a problem of the input, returns it instead.

    Without ``force``, a file whose outputs were written from the same bytes under the same settings and
    version, and are intact, is skipped. The reviewer's decisions for the file are part of its settings.
    ``files`` says where the paths live (default: this machine); ``workers``, a pool of processes in
    which the sections of a large file are cleaned side by side.
    """
    source, out_dir = str(source), str(out_dir)
    try:
        stale = stale_input(source, out_dir, settings, force=force, files=files)
        if stale is None:
            return Outcome(source, skipped=True)
        settings, data, text_path, log_path = stale
        # No name here holds the bytes while the text is cleaned: they are freed once decoded (50 MB of a
        # 50 MB file).
        held = [data]
        del stale, data
        decoded = read_file(held.pop(), file_name(source), settings)
        output = clean_decoded(
            decoded,
            file_name(source),
            settings,
            lambda text, log: files.write_atomically({text_path: text, log_path: log}),
            workers,
        )
    except ScancleanError as error:
        return Outcome(source, error=str(error))
    warnings = tuple(stale_decisions(settings, output.decided_ids_seen, source))
    return Outcome(source, changes_by_stage=dict(output.applied_by_stage), warnings=warnings)


def clean_decoded(
    decoded: DecodedFile,
    name: str,
    settings: Settings,
    write: Callable[[Iterator[str], Iterator[str]], None],
    workers: Executor | None = None,
) -> SpilledOutput:
    """Clean a decoded file a section at a time (side by side in ``workers``, a pool of processes, if
    given), spilling its outputs to a temporary folder, and hand ``write`` the cleaned text and the change
    log, each as pieces, before the folder goes; the spill that is returned has the counts of the
    changes."""
    try:
        with tempfile.TemporaryDirectory(prefix="scanclean-") as folder:
            with SpilledOutput(Path(folder), stage_order(settings), settings.decision_map()) as output:
                head = clean_in_sections(decoded, settings, output, name=name, workers=workers)
            write(output.text_pieces(), output.log_lines(head))
    except OSError as error:
        raise OutputError(
            f"{name}: cannot spill the outputs to {tempfile.gettempdir()} ({error.strerror}); "
            "set TMPDIR to a folder it can write to"
        ) from None
    return output


class SpilledOutput:
    """A file's cleaned sections written to a folder as they come, the text to one file and each
    stage's change lines to another; read back as the two outputs once the log's header is known.

    Only one section's changes are in memory at a time, and the log still lists them stage by stage.
    """

    def __init__(self, folder: Path, stages: Iterable[str], decided: Container[str]) -> None:
        self._folder = folder
        self._stages = tuple(stages)
        self._decided = decided
        self._streams = contextlib.ExitStack()
        self._text = self._open(folder / "text")
        self._logs: dict[str, TextIO] = {}
        self.applied_by_stage: Counter[str] = Counter()
        self.decided_ids_seen: set[str] = set()

    def __enter__(self) -> SpilledOutput:
        return self

    def __exit__(self, *_: object) -> None:
        self._streams.close()

    def _open(self, path: Path) -> TextIO:
        stream = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed on exit)
        return self._streams.enter_context(stream)

    def add_section(self, text: str, changes: Iterable[Change]) -> None:
        self._text.write(text)
        logs = self._logs
        for change in changes:
            stream = logs.get(change.stage)
            if stream is None:
                stream = logs[change.stage] = self._open(self._folder / f"{change.stage}.jsonl")
            stream.write(change_to_json(change) + "\n")
            if change.applied:
                self.applied_by_stage[change.stage] += 1
            if change.id in self._decided:
                self.decided_ids_seen.add(change.id)

    def text_pieces(self) -> Iterator[str]:
        """The cleaned text, a megabyte at a time."""
        with open(self._folder / "text", encoding="utf-8", newline="") as stream:
            yield from iter(lambda: stream.read(SPILL_CHUNK), "")

    def log_lines(self, head: dict[str, Any]) -> Iterator[str]:
        """The change log: the header line, then each stage's changes in the order the stages ran."""
        yield header_line(head)
        for stage in self._stages:
            if stage in self._logs:
                with open(self._folder / f"{stage}.jsonl", encoding="utf-8", newline="") as stream:
                    yield from stream


def clean_files(
    sources: list[Path], out_dir: str | Path, settings: Settings, *, jobs: int = 1, force: bool = True
) -> Iterator[Outcome]:
    """Clean files one by one, or in ``jobs`` worker processes; outcomes come as files finish.

    Each file is cleaned by one worker, so the outputs are the same whatever ``jobs`` is; a single file
    larger than a section has its sections cleaned side by side instead, with the same outputs again.
    Where processes can be forked, this process first cleans a slice of the first file to load the rules
    and word indexes, and the workers are forked from it: they share those pages instead of each
    building its own (a few seconds and a few hundred MB a worker).
    """
    one_large = len(sources) == 1 and file_size(sources[0]) > section_bytes(settings)
    if jobs <= 1 or (len(sources) <= 1 and not one_large):
        for source in sources:
            yield clean_file(source, out_dir, settings, force=force)
        return
    context = _fork_context()
    if context is not None:
        warm_up(sources[0], out_dir, settings, force=force)
        gc.freeze()  # the collector in a worker then leaves the shared objects, and so their pages, alone
    try:
        with ProcessPoolExecutor(
            max_workers=jobs if one_large else min(jobs, len(sources)), mp_context=context
        ) as pool:
            if one_large:
                try:
                    yield clean_file(sources[0], out_dir, settings, force=force, workers=pool)
                except Exception as error:  # a worker died on one of its sections
                    yield _worker_failed(sources[0], error)
                return
            futures = {
                pool.submit(clean_file, source, out_dir, settings, force=force): source
                for source in largest_first(sources)
            }
            for future in as_completed(futures):
                try:
                    yield future.result()
                except Exception as error:  # a worker that died takes only its own file down
                    yield _worker_failed(futures[future], error)
    finally:
        gc.unfreeze()


def _worker_failed(source: Path, error: Exception) -> Outcome:
    return Outcome(str(source), error=f"{source}: worker failed ({error})")


def largest_first(sources: list[Path]) -> list[Path]:
    """The files biggest first, so that a large file is not started last while the other workers idle
    (an unreadable file sorts last, for its worker to report).

    >>> with tempfile.TemporaryDirectory() as name:
    ...     folder = Path(name)
    ...     for file, size in (("a.txt", 1), ("b.txt", 300), ("c.txt", 20)):
    ...         _ = (folder / file).write_text("x" * size)
    ...     order = largest_first([folder / file for file in ("a.txt", "b.txt", "c.txt", "gone.txt")])
    >>> [path.name for path in order]
    ['b.txt', 'c.txt', 'a.txt', 'gone.txt']
    """

    return sorted(sources, key=file_size, reverse=True)


def file_size(path: Path) -> int:
    """A file's size in bytes; -1 for one that cannot be read (its cleaning reports why)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return -1


def warm_up(source: str | Path, out_dir: str | Path, settings: Settings, *, force: bool = True) -> None:
    """Clean the start of ``source`` and throw the result away, so that the rules and word indexes it
    needs are loaded in this process. Nothing is loaded for a file that will be skipped as up to date,
    and a file that cannot be read or cleaned is left to its worker to report."""
    try:
        stale = stale_input(str(source), str(out_dir), settings, force=force, files=LOCAL_FILES)
        if stale is not None:
            settings, data, _, _ = stale
            clean_bytes(data[:WARM_UP_BYTES], file_name(str(source)), settings)
    except ScancleanError:
        pass


def _fork_context() -> BaseContext | None:
    """The fork start method on Linux, where workers then inherit what this process loaded; else None
    (the platform's default, and each worker loads its own)."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def outputs_are_current(data: bytes, settings: Settings, cleaned: str | None, log: str | None) -> bool:
    """Whether existing outputs came from these bytes, settings and version, and are intact."""
    if cleaned is None or log is None:
        return False
    try:
        head = json.loads(log.partition("\n")[0])
    except ValueError:
        return False
    return (
        head.get("input_sha256") == hashlib.sha256(data).hexdigest()
        and head.get("settings") == settings.describe()
        and head.get("tool_version") == __version__
        and head.get("cleaned_sha256") == sha256_text(cleaned)
    )


def read_input(path: Path) -> bytes:
    """A file's bytes, with a clear message for a folder, a missing or an unreadable file."""
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a text file")
    try:
        return path.read_bytes()
    except OSError as error:
        raise read_error(path, error) from None


def read_utf8(path: Path) -> str:
    """A UTF-8 file scanclean wrote (a cleaned text, a change log), with one clear line if it cannot be."""
    try:
        return read_input(path).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8; scanclean writes its outputs as UTF-8") from None


def read_error(path: Path | str, error: OSError) -> InputError:
    """The one-line reason a file cannot be read, whichever file system it is on."""
    if isinstance(error, FileNotFoundError):
        return InputError(f"{path}: no such file")
    if isinstance(error, PermissionError):
        return InputError(f"{path}: permission denied; cannot read it")
    return InputError(f"{path}: cannot read it ({error.strerror or error})")


def write_atomically(contents: dict[Path, str | Iterable[str]]) -> None:
    """Write every file (a text, or its pieces) to a temporary name first, then rename them all: no
    half-written outputs."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in contents.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((temporary, path))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.writelines([text] if isinstance(text, str) else text)
        for temporary, path in staged:
            os.replace(temporary, path)
    except OSError as error:
        raise OutputError(f"{error.filename or 'output'}: cannot write ({error.strerror or error})") from None
    finally:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
