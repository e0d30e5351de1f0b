"""Cleaning a corpus on Dask: the same per-file work as a local run, spread over a cluster's workers.

Each file is one task running ``batch.clean_file``, so outputs, change logs, incremental skipping and
failure reports are those of a local run. Inputs and outputs are fsspec URLs (a local path, ``s3://...``
when s3fs is installed). Rules and word indexes are cached per worker process, so they load once a worker.
Install with ``pip install 'scanclean[dask]'``.
"""

from __future__ import annotations

import posixpath
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import dask.bag as db
import fsspec
from distributed import Client, LocalCluster, as_completed

from pipeline.api import clean
from pipeline.batch import INPUT_SUFFIX, Outcome, clean_file, read_error
from pipeline.core.errors import InputError, OutputError
from pipeline.core.settings import Settings


class FsspecFiles:
    """Inputs and outputs at fsspec URLs, each finished output renamed into place (atomic on a disk,
    a single upload on an object store)."""

    def read_bytes(self, path: str) -> bytes:
        fs, location = fsspec.core.url_to_fs(path)
        try:
            if fs.isdir(location):
                raise InputError(f"{path}: is a folder, not a text file")
            return fs.cat_file(location)
        except OSError as error:
            raise read_error(path, error) from None

    def read_text_if_exists(self, path: str) -> str | None:
        fs, location = fsspec.core.url_to_fs(path)
        try:
            return fs.cat_file(location).decode("utf-8")
        except (OSError, ValueError):
            return None

    def write_atomically(self, contents: dict[str, str | Iterable[str]]) -> None:
        staged = []
        try:
            for path, text in contents.items():
                fs, location = fsspec.core.url_to_fs(path)
                folder, name = posixpath.split(location)
                fs.makedirs(folder, exist_ok=True)
                temporary = posixpath.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")
                with fs.open(temporary, "w", encoding="utf-8", newline="") as stream:
                    stream.writelines([text] if isinstance(text, str) else text)
                staged.append((fs, temporary, location))
            for fs, temporary, location in staged:
                fs.mv(temporary, location)
        except OSError as error:
            raise OutputError(f"{error.filename or 'output'}: cannot write ({error})") from None
        finally:
            for fs, temporary, _ in staged:
                if fs.exists(temporary):
                    fs.rm(temporary)

    def join(self, folder: str, name: str) -> str:
        return posixpath.join(folder, name)


def find_inputs(urls: Iterable[str]) -> list[str | Outcome]:
    """Expand folders to their ``*.txt`` files on any fsspec file system, as ``batch.find_inputs`` does."""
    found: list[str | Outcome] = []
    for url in urls:
        fs, path = fsspec.core.url_to_fs(url)
        protocol = url.split("://", 1)[0] + "://" if "://" in url else ""
        if fs.isdir(path):
            names = sorted(p for p in fs.ls(path, detail=False) if p.endswith(INPUT_SUFFIX))
            names = [p for p in names if not posixpath.basename(p).startswith(".")]
            found.extend(
                [protocol + p for p in names]
                or [Outcome(url, error=f"{url}: no {INPUT_SUFFIX} files in this folder")]
            )
        elif fs.exists(path):
            found.append(url)
        else:
            found.append(Outcome(url, error=f"{url}: no such file"))
    return found


def connect(address: str, workers: int = 2) -> Client:
    """A client for a scheduler address, or for a new local cluster of worker processes (``local``)."""
    if address == "local":
        return Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True))
    return Client(address)


def clean_files_on_dask(
    sources: list[str], out_dir: str, settings: Settings, client: Client, *, force: bool = True
) -> Iterator[Outcome]:
    """Clean each file in its own task; a task whose worker died is reported as that file's failure."""
    files = FsspecFiles()
    futures = client.map(
        clean_file, sources, out_dir=out_dir, settings=settings, force=force, files=files, pure=False
    )
    source_of = {future.key: source for future, source in zip(futures, sources, strict=True)}
    for future in as_completed(futures):
        try:
            yield future.result()
        except Exception as error:  # KilledWorker and the like: only this file is lost
            source = source_of[future.key]
            yield Outcome(source, error=f"{source}: a worker died while cleaning it ({type(error).__name__})")


def clean_path_bag(paths: db.Bag, out_dir: str, settings: Settings, *, force: bool = True) -> db.Bag:
    """A bag of ``Outcome``s for a bag of input paths or URLs, writing outputs as a local run does."""
    return paths.map(clean_file, out_dir=out_dir, settings=settings, force=force, files=FsspecFiles())


def clean_text_bag(texts: db.Bag, **settings: Any) -> db.Bag:
    """A bag of ``Result``s (cleaned text, changes, log header) for a bag of texts, nothing written."""
    return texts.map(clean, **settings)
