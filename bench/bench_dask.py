"""Throughput of a Dask LocalCluster with 2 worker processes against `scanclean run -j 2` on the same corpus.

    .venv/bin/python bench/bench_dask.py --files 200

The corpus is the sample scan cut at different places (real scan text); both runs write to fresh folders
and the outputs are compared byte for byte.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from distributed import Client, LocalCluster

from pipeline.batch import clean_files
from pipeline.core.settings import Settings
from pipeline.on_dask import clean_files_on_dask

SAMPLE = Path(__file__).resolve().parent.parent / "raw" / "stalin-documents.txt"


def make_corpus(folder: Path, count: int, repeat: int) -> list[Path]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    folder.mkdir()
    for number in range(count):
        start = (number * 7) % len(lines)
        text = "".join(lines[start:] + lines[:start]) * repeat
        (folder / f"scan-{number:04}.txt").write_text(text, encoding="utf-8")
    return sorted(folder.iterdir())


def timed(label: str, megabytes: float, run) -> float:
    start = time.perf_counter()
    outcomes = list(run())
    seconds = time.perf_counter() - start
    assert not any(outcome.error for outcome in outcomes), [o.error for o in outcomes if o.error][:3]
    print(f"{label:<28} {seconds:7.2f} s  {megabytes / seconds:6.2f} MB/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=4, help="copies of the sample in each file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        sources = make_corpus(root / "raw", args.files, args.repeat)
        megabytes = sum(source.stat().st_size for source in sources) / 1e6
        print(f"corpus: {len(sources)} files, {megabytes:.1f} MB")
        settings = Settings()
        local = timed(
            "-j 2 (process pool)", megabytes, lambda: clean_files(sources, root / "j2", settings, jobs=2)
        )
        paths = [str(source) for source in sources]
        with (
            LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster,
            Client(cluster) as client,
        ):
            client.run(lambda: __import__("pipeline").clean("warm up"))  # imports, as -j 2's pool pays too
            dask_seconds = timed(
                "dask LocalCluster, 2 workers",
                megabytes,
                lambda: clean_files_on_dask(paths, str(root / "dask"), settings, client),
            )
        same = all((root / "j2" / p.name).read_bytes() == p.read_bytes() for p in (root / "dask").iterdir())
        print(f"outputs identical: {same}; dask time / -j 2 time: {dask_seconds / local:.2f}")


if __name__ == "__main__":
    main()
