"""Corpus scale: cleaning on a Dask cluster gives the outputs of a local run, and survives dead workers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the Dask extra is not installed (pip install 'scanclean[dask]')")

import cloudpickle
import dask
import dask.bag as db
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from pipeline.batch import clean_files
from pipeline.core.rules import load_rules
from pipeline.core.settings import Settings
from pipeline.on_dask import clean_files_on_dask, clean_path_bag, clean_text_bag, find_inputs
from tests.conftest import SAMPLE

# The crash plugin below travels to the workers by value: they need not import the tests package.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def make_corpus(folder: Path, count: int = 200) -> list[Path]:
    """``count`` scans cut from the sample at different places, so no two files are alike."""
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for number in range(count):
        start = (number * 7) % len(lines)
        (folder / f"scan-{number:03}.txt").write_text(
            "".join(lines[start:] + lines[:start]), encoding="utf-8"
        )
    return sorted(folder.iterdir())


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if not path.name.startswith(".")}


@pytest.fixture(scope="module")
def client() -> Client:
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        yield client


def test_a_two_worker_cluster_writes_what_a_local_run_writes(tmp_path: Path, client: Client) -> None:
    sources = make_corpus(tmp_path / "raw")
    settings = Settings()
    local = list(clean_files(sources, tmp_path / "local", settings))
    on_dask = list(clean_files_on_dask([str(s) for s in sources], str(tmp_path / "dask"), settings, client))
    assert not any(outcome.error for outcome in local + on_dask)
    assert len(contents(tmp_path / "dask")) == 400
    assert contents(tmp_path / "dask") == contents(tmp_path / "local")
    # Rules come from a per-process cache: a worker that cleaned a hundred files read each table once.
    misses = client.run(lambda: load_rules.cache_info().misses)
    assert all(count <= 20 for count in misses.values()), misses


def test_bags_of_paths_and_of_texts(tmp_path: Path, client: Client) -> None:
    sources = make_corpus(tmp_path / "raw", count=6)
    bag = db.from_sequence([str(source) for source in sources], npartitions=2)
    outcomes = clean_path_bag(bag, str(tmp_path / "out"), Settings()).compute()
    assert sorted(Path(o.source).name for o in outcomes) == [s.name for s in sources]
    assert len(contents(tmp_path / "out")) == 12
    texts = db.from_sequence(["One line\n\n\n", "Two\n"], npartitions=2)
    assert [result.text for result in clean_text_bag(texts).compute()] == ["One line\n", "Two\n"]


class CrashOnFile(WorkerPlugin):
    """Makes a worker process exit abruptly when it starts cleaning the named file."""

    def __init__(self, name: str) -> None:
        self.name = name

    def setup(self, worker: object) -> None:
        import pipeline.batch

        original = pipeline.batch.read_file
        crash_on = self.name

        def read_or_die(data: bytes, name: str, settings: Settings) -> object:
            if name == crash_on:
                os._exit(1)
            return original(data, name, settings)

        pipeline.batch.read_file = read_or_die


def test_a_worker_dying_on_a_file_loses_only_that_file_and_a_rerun_fills_the_gap(tmp_path: Path) -> None:
    sources = [str(source) for source in make_corpus(tmp_path / "raw", count=40)]
    out = str(tmp_path / "out")
    # No retries, and one task at a time a worker, so the dying worker takes no other file down with it.
    no_retries = {"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0}
    with (
        dask.config.set(no_retries),
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        client.register_plugin(CrashOnFile("scan-013.txt"))
        outcomes = list(clean_files_on_dask(sources, out, Settings(), client, force=False))
    failed = [outcome for outcome in outcomes if outcome.error]
    assert [Path(outcome.source).name for outcome in failed] == ["scan-013.txt"]
    assert "a worker died while cleaning it" in failed[0].error
    written = contents(tmp_path / "out")
    assert len(written) == 78 and "scan-013.txt" not in written
    # Nothing half-written: every log is whole, and no temporary file is left where outputs go.
    assert not any(name.endswith(".tmp") for name in os.listdir(out))
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        again = list(clean_files_on_dask(sources, out, Settings(), client, force=False))
    assert sum(outcome.skipped for outcome in again) == 39
    assert [Path(o.source).name for o in again if not o.skipped and not o.error] == ["scan-013.txt"]


def test_inputs_are_found_through_fsspec_urls(tmp_path: Path) -> None:
    make_corpus(tmp_path / "raw", count=3)
    found = find_inputs([f"file://{tmp_path / 'raw'}", str(tmp_path / "missing")])
    assert [Path(str(item).removeprefix("file://")).name for item in found[:3]] == [
        "scan-000.txt",
        "scan-001.txt",
        "scan-002.txt",
    ]
    assert "no such file" in found[3].error
