"""Benchmark: throughput of the pipeline and of each stage, peak memory, time against file size, -j scaling.

The corpus is real scan text: the OCR side of the shared evaluation sets and the sample scan, cut into
paragraphs (an article, a page region, a block between blank lines), shuffled with a fixed seed and repeated
until it reaches the size asked for. ``ftfy.fix_text`` runs on the same text in the same run, as the peer
to beat, because the machine is shared and only figures taken side by side compare.

    python bench/bench_pipeline.py                 # the full run: 50 MB corpus (several minutes)
    python bench/bench_pipeline.py --size 2        # a quick look while developing
    python bench/bench_pipeline.py --json out.json # also write the figures as JSON
    python bench/bench_pipeline.py --only memory,scaling   # some parts only (see --help)

Times on one core are CPU seconds of this process (``time.process_time``), so that the other work on a
shared machine disturbs them less; the ``-j`` comparison is wall-clock time, with CPU seconds beside it.
Memory is the peak resident size of a child process that cleans one file as ``scanclean run`` does, minus
what the child held before loading anything, divided by the file's size; the word lists and rules (loaded
once a process, whatever the file's size) and the file's own share are shown apart.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ftfy

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.cli import main as cli_main  # noqa: E402
from pipeline.core import changelog  # noqa: E402
from pipeline.core.document import Document  # noqa: E402
from pipeline.core.edits import Edit  # noqa: E402
from pipeline.core.settings import Settings  # noqa: E402
from pipeline.eval.datasets import DATASETS, EvalDataError, default_data_dir, load_dataset  # noqa: E402
from pipeline.stages import STAGES  # noqa: E402

SAMPLE = REPO / "raw" / "stalin-documents.txt"
MB = 1_000_000
_WHITESPACE = re.compile(r"\s")
_LINE_INSIDE_PARAGRAPH = re.compile(r"(?<=\S)\n(?=\S)")


def scan_paragraphs(data_dir: Path) -> list[str]:
    """Paragraph-sized blocks of real OCR text: the shared sets' raw side and the sample scan."""
    blocks = [block for block in SAMPLE.read_text(encoding="utf-8").split("\n\n") if block.strip()]
    for name in DATASETS:
        try:
            blocks += [document.raw for document in load_dataset(name, data_dir)]
        except EvalDataError as error:
            print(f"(corpus without {name}: {error})", file=sys.stderr)
    return blocks


def build_corpus(blocks: list[str], size: int, seed: int = 1) -> str:
    """Blocks shuffled and repeated, separated by blank lines, until ``size`` bytes (a block boundary)."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        order = blocks[:]
        rng.shuffle(order)
        for block in order:
            parts.append(block)
            total += len(block.encode("utf-8")) + 2
            if total >= size:
                break
    return "\n\n".join(parts) + "\n"


def prefix(corpus: str, size: int) -> str:
    """About the first ``size`` bytes of the corpus, cut after a whitespace (never inside a word)."""
    space = _WHITESPACE.search(corpus, size) if len(corpus) > size else None
    return corpus if space is None else corpus[: space.end()]


def distinct_text(blocks: list[str], size: int, seed: int = 2) -> str:
    """Up to ``size`` bytes of the blocks shuffled, each block at most once."""
    return build_corpus(blocks, min(size, sum(len(block.encode("utf-8")) + 2 for block in blocks)), seed)


def time_stages(text: str, settings: Settings) -> tuple[dict[str, float], dict[str, int]]:
    """Seconds per stage (its ``run`` and the core applying its edits) in pipeline order, with the stages
    together, and the changes each stage made or suggested (0: a stage that passes text through)."""
    min_confidence = settings.rules("pipeline").number("min_confidence", low=0, high=1)
    document = Document(text, "bench")
    seconds: dict[str, float] = {}
    changes: dict[str, int] = {}
    start = time.process_time()
    for name in settings.stages():
        began = time.process_time()
        changes[name] = len(
            document.apply(name, STAGES[name](document, settings), min_confidence=min_confidence)
        )
        seconds[name] = time.process_time() - began
    seconds["stages together"] = time.process_time() - start
    return seconds, changes


def time_clean(text: str, settings: Settings) -> float:
    """Seconds for the whole API call ``clean_bytes`` (decoding, stages, log header) on the text's bytes."""
    from pipeline.api import clean_bytes

    data = text.encode("utf-8")
    began = time.process_time()
    clean_bytes(data, "bench.txt", settings)
    return time.process_time() - began


def time_ftfy(text: str) -> float:
    began = time.process_time()
    ftfy.fix_text(text)
    return time.process_time() - began


def join_every_line(document: Document, settings: Settings) -> list[Edit]:
    """A stand-in for the reflow stage: join every line inside a paragraph (a change per line end)."""
    return [
        Edit(m.start(), m.end(), " ", "join-line") for m in _LINE_INSIDE_PARAGRAPH.finditer(document.text)
    ]


@contextlib.contextmanager
def stand_in_reflow() -> Iterator[None]:
    """Run the stand-in in place of the reflow stage, in this process and in workers forked from it."""
    original = STAGES["reflow"]
    STAGES["reflow"] = join_every_line
    try:
        yield
    finally:
        STAGES["reflow"] = original


def core_cost(text: str) -> dict[str, float]:
    """What the core costs per change, whatever the stages: the stand-in joins every line inside a
    paragraph (as reflow will) and the core applies, locates and logs those changes."""
    document = Document(text, "bench")
    edits = join_every_line(document, Settings())
    began = time.process_time()
    document.apply("reflow", edits)
    log = changelog.dump({}, document.located_changes())
    seconds = time.process_time() - began
    size = len(text.encode("utf-8"))
    return {
        "bytes": size,
        "changes": len(edits),
        "changes_per_mb": len(edits) / (size / MB),
        "microseconds_per_change": 1e6 * seconds / max(len(edits), 1),
        "mb_s": size / MB / seconds,
        "log_bytes": len(log.encode("utf-8")),
    }


def growth(corpus: str, sizes: list[int], settings: Settings, budget: float = 0.5) -> list[dict[str, float]]:
    """Seconds of ``clean_bytes`` for prefixes of the corpus: the best of as many runs as fit in ``budget``
    seconds (at least two), so that small sizes are not one noisy reading on a shared machine."""
    series = []
    for size in sizes:
        text = prefix(corpus, size)
        readings = [time_clean(text, settings), time_clean(text, settings)]
        while sum(readings) < budget and len(readings) < 1000:
            readings.append(time_clean(text, settings))
        series.append({"bytes": len(text.encode("utf-8")), "seconds": min(readings), "runs": len(readings)})
    return series


def fitted_exponent(series: list[dict[str, float]], smallest: int = 100_000) -> float:
    """The slope of log(time) against log(size) over sizes from ``smallest`` up: 1.0 is linear."""
    points = [(math.log(p["bytes"]), math.log(p["seconds"])) for p in series if p["bytes"] >= smallest]
    if len(points) < 2:
        return math.nan
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)


def fresh_throughput(text: str) -> dict[str, float]:
    """MB/s of ``clean_bytes`` on text its process has not seen, in a child that loaded only the word
    lists first: the repeated corpus lets the stages' per-word caches answer for most of it, a real
    corpus of different documents does not."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fresh.txt"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, __file__, "--fresh-child", str(path)]
        child = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = json.loads(child.stdout)["seconds"]
    size = len(text.encode("utf-8"))
    return {"bytes": size, "seconds": seconds, "mb_s": size / MB / seconds}


def fresh_child(path: Path) -> None:
    """In the child: load the word lists on the file's first kilobytes, then time cleaning it all."""
    from pipeline.api import clean_bytes
    from pipeline.batch import warm_up

    settings = Settings()
    with tempfile.TemporaryDirectory() as out:
        warm_up(path, out, settings)
    data = path.read_bytes()
    began = time.process_time()
    clean_bytes(data, path.name, settings)
    print(json.dumps({"seconds": time.process_time() - began}))


def peak_memory(text: str, *, stand_in: bool = False) -> dict[str, float]:
    """Peak memory of a child process cleaning the text from a file, over the file's size."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.txt"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, __file__, "--memory-child", str(path), *(["--stand-in"] * stand_in)]
        child = subprocess.run(command, capture_output=True, text=True, check=True)
    figures = json.loads(child.stdout)
    size = len(text.encode("utf-8"))
    return {
        "bytes": size,
        **figures,
        "ratio": figures["growth_bytes"] / size,
        "file_ratio": figures["file_growth_bytes"] / size,
    }


def memory_child(path: Path) -> None:
    """In the child: resident size before anything is loaded, after the word lists are (by cleaning the
    file's first kilobytes, as ``scanclean run -j`` warms up), and the peak while the file is cleaned as
    ``scanclean run`` does it (the text written, the log streamed to a file), in all and stage by stage;
    prints them as JSON."""
    from pipeline.batch import clean_file, warm_up

    settings = Settings()
    settings.rules("pipeline")
    before = _resident_now()
    stage_peaks: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as out:
        warm_up(path, out, settings)
        loaded = _resident_now()
        _reset_peak()
        with peak_per_stage(stage_peaks):
            outcome = clean_file(path, out, settings)
        stage_peaks["writing"] = _max_rss()
    if outcome.error:
        raise SystemExit(outcome.error)
    after = max(stage_peaks.values())
    figures = {"baseline_bytes": before, "loaded_bytes": loaded, "peak_bytes": after}
    print(
        json.dumps(
            {
                **figures,
                "growth_bytes": after - before,
                "file_growth_bytes": after - loaded,
                "stage_peak_bytes": stage_peaks,
            }
        )
    )


@contextlib.contextmanager
def peak_per_stage(peaks: dict[str, int]) -> Iterator[None]:
    """Record in ``peaks`` the peak resident size while each stage ran and the core applied its edits
    (the first stage's figure includes reading and decoding the file; ``output`` is the final newline),
    starting the peak afresh after each."""
    original = Document.apply

    def apply(document: Document, stage: str, edits: Any, **options: Any) -> Any:
        changes = original(document, stage, edits, **options)
        peaks[stage] = _max_rss()
        _reset_peak()
        return changes

    Document.apply = apply
    try:
        yield
    finally:
        Document.apply = original


def _max_rss() -> int:
    """The peak resident size since the last reset (``VmHWM``), or since the start."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def _resident_now() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()


def _reset_peak() -> None:
    """Start the peak afresh, so what the imports used and gave back does not count (Linux 4.0+)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def scaling(corpus: str, files: int, *, stand_in: bool = False) -> dict[str, Any]:
    """Wall-clock and CPU seconds of ``scanclean run`` on a folder of ``files`` files with ``-j 1`` and
    ``-j 2``, each run a fresh process as a user starts it; then a run without ``--force``.

    The files should hold different text, as a real corpus does (``distinct_text``): files that repeat
    the same paragraphs flatter ``-j 1``, whose one process has judged every word of the later files
    already, where each ``-j 2`` worker judges them again.
    """
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw"
        raw.mkdir()
        size = len(corpus) // files
        for index in range(files):
            (raw / f"part{index:02d}.txt").write_text(
                corpus[index * size : (index + 1) * size], encoding="utf-8"
            )
        seconds, cpu = {}, {}
        for jobs in (1, 2):
            seconds[jobs], cpu[jobs], _ = _run_cli(
                raw, Path(folder) / f"out{jobs}", "-j", str(jobs), stand_in=stand_in
            )
        # Inputs unchanged since their outputs were written: every file should be skipped.
        incremental, _, summary = _run_cli(raw, Path(folder) / "out1", stand_in=stand_in, force=False)
        same = all(
            (Path(folder) / "out1" / p.name).read_bytes() == (Path(folder) / "out2" / p.name).read_bytes()
            for p in raw.iterdir()
        )
    return {
        "files": files,
        "j1_seconds": seconds[1],
        "j2_seconds": seconds[2],
        "speedup": seconds[1] / seconds[2],
        # CPU seconds of -j 2 (workers included) over -j 1: the cost of going parallel, whatever else runs.
        "cpu_ratio": cpu[2] / cpu[1],
        "identical_outputs": same,
        "incremental_seconds": incremental,
        "incremental_summary": summary,
    }


def _run_cli(
    raw: Path, out: Path, *options: str, stand_in: bool, force: bool = True
) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds (workers included) of one ``scanclean run`` in a fresh process, and the
    summary line it printed."""
    command = [
        sys.executable,
        __file__,
        *(["--stand-in"] * stand_in),
        "--cli",
        "run",
        str(raw),
        "-o",
        str(out),
    ]
    command += [*options, *(["--force"] * force)]
    cpu_before = _cpu_seconds()
    began = time.perf_counter()
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - began, _cpu_seconds() - cpu_before, finished.stderr.strip()


def _cpu_seconds() -> float:
    """User and system CPU seconds of the finished child processes (and the workers they waited for)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def throughput(
    figures: dict[str, Any], corpus: str, distinct: str, settings: Settings, *, ftfy: bool
) -> None:
    """MB/s of each stage, of the whole API and of ftfy on the corpus; of the pipeline on unseen text;
    and what the core costs a change."""
    stage_seconds, stage_changes = time_stages(corpus, settings)
    figures["changes"] = stage_changes
    clean_seconds = time_clean(corpus, settings)
    ftfy_seconds = time_ftfy(corpus) if ftfy else None
    figures["throughput_mb_s"] = {
        **{
            name: figures["corpus_bytes"] / MB / max(seconds, 1e-9) for name, seconds in stage_seconds.items()
        },
        "clean_bytes (whole API)": figures["corpus_bytes"] / MB / clean_seconds,
        **({"ftfy.fix_text": figures["corpus_bytes"] / MB / ftfy_seconds} if ftfy_seconds else {}),
    }
    print("\nthroughput on one core (MB/s):")
    for name, rate in figures["throughput_mb_s"].items():
        changes = f"{stage_changes[name]:>9,} changes" if name in stage_changes else ""
        print(f"  {name:<26}{rate:12.2f}{changes}")
    if ftfy_seconds:
        ratio = ftfy_seconds / clean_seconds
        figures["pipeline_over_ftfy"] = ratio
        print(f"  whole pipeline / ftfy: {ratio:.2f}x (must be >= 1, aim 2)")

    figures["fresh"] = fresh_throughput(distinct)
    fresh = figures["fresh"]
    print(
        f"  whole pipeline on {fresh['bytes'] / MB:.1f} MB of text not seen before (every block once, word "
        f"lists loaded): {fresh['mb_s']:.2f} MB/s"
        + (
            f" = {fresh['mb_s'] / figures['throughput_mb_s']['ftfy.fix_text']:.2f}x ftfy"
            if ftfy_seconds
            else ""
        )
    )

    figures["core_cost"] = core_cost(prefix(corpus, min(figures["corpus_bytes"], 5 * MB)))
    cost = figures["core_cost"]
    print(
        f"  core alone, a change at every line end inside a paragraph ({cost['changes_per_mb']:,.0f} a MB): "
        f"{cost['microseconds_per_change']:.1f} us a change, {cost['mb_s']:.1f} MB/s"
    )


PARTS = ("throughput", "growth", "memory", "scaling")


def _parts(value: str) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [part for part in parts if part not in PARTS]
    if unknown or not parts:
        raise argparse.ArgumentTypeError(f"parts are {', '.join(PARTS)}; not {', '.join(unknown) or value!r}")
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=50, help="corpus size in MB (default 50)")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(), help="the shared eval folder")
    parser.add_argument("--files", type=int, default=8, help="files for the -j 1 / -j 2 comparison")
    parser.add_argument("--no-ftfy", action="store_true", help="leave out the ftfy reference run")
    parser.add_argument(
        "--stand-in",
        action="store_true",
        help="replace reflow by a stand-in that joins every line, for memory and -j with changes to make",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--only",
        type=_parts,
        default=PARTS,
        help=f"run only these parts, comma-separated, of: {','.join(PARTS)} (default: all)",
    )
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fresh-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cli", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cli:
        with stand_in_reflow() if args.stand_in else contextlib.nullcontext():
            cli_main(args.cli)
        return
    if args.fresh_child:
        fresh_child(args.fresh_child)
        return
    if args.memory_child:
        with stand_in_reflow() if args.stand_in else contextlib.nullcontext():
            memory_child(args.memory_child)
        return

    settings = Settings()
    size = int(args.size * MB)
    blocks = scan_paragraphs(args.data_dir)
    corpus = build_corpus(blocks, size)
    corpus_bytes = len(corpus.encode("utf-8"))
    figures: dict[str, Any] = {"corpus_bytes": corpus_bytes, "cpus": os.cpu_count(), "load": os.getloadavg()}
    print(f"corpus: {corpus_bytes / MB:.1f} MB of real scan text; load average {figures['load'][0]:.1f}")

    distinct = distinct_text(blocks, size)
    if "throughput" in args.only:
        throughput(figures, corpus, distinct, settings, ftfy=not args.no_ftfy)
    if "growth" in args.only:
        time_against_size(figures, corpus, settings)
    if "memory" in args.only:
        memory(figures, corpus, stand_in=args.stand_in)
    if "scaling" in args.only:
        parallel_runs(figures, distinct, corpus, args.files, stand_in=args.stand_in)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


def time_against_size(figures: dict[str, Any], corpus: str, settings: Settings) -> None:
    """Seconds of ``clean_bytes`` against size, and the fitted exponent."""
    corpus_bytes = figures["corpus_bytes"]
    sizes = [s for s in (1_000, 10_000, 100_000, MB, 10 * MB, 50 * MB) if s <= corpus_bytes]
    figures["growth"] = growth(corpus, sizes, settings)
    figures["growth_exponent"] = fitted_exponent(figures["growth"])
    print("\ntime against size (clean_bytes):")
    for point in figures["growth"]:
        rate = point["bytes"] / MB / point["seconds"]
        seconds, runs = point["seconds"], point["runs"]
        print(f"  {point['bytes']:>12,} bytes  {seconds:9.4f} s  {rate:7.1f} MB/s  (best of {runs})")
    print(f"  fitted exponent (100 kB and up): {figures['growth_exponent']:.2f} (1.00 is linear)")


def memory(figures: dict[str, Any], corpus: str, *, stand_in: bool) -> None:
    """Peak memory cleaning the whole corpus as one file (and with the reflow stand-in)."""
    figures["memory"] = peak_memory(corpus)
    if stand_in:
        figures["memory_stand_in"] = peak_memory(corpus, stand_in=True)
    for key, which in (("memory", ""), ("memory_stand_in", " (reflow: stand-in)")):
        if key in figures:
            peak = figures[key]
            loaded = peak["loaded_bytes"] - peak["baseline_bytes"]
            print(
                f"\npeak memory cleaning {peak['bytes'] / MB:.1f} MB{which}: "
                f"+{peak['growth_bytes'] / MB:.0f} MB = {peak['ratio']:.1f}x the input (must be < 10x); "
                f"of which word lists and rules {loaded / MB:.0f} MB, "
                f"then the file +{peak['file_growth_bytes'] / MB:.0f} MB = {peak['file_ratio']:.1f}x"
            )
            by_stage = ", ".join(
                f"{stage} +{(value - peak['loaded_bytes']) / MB:.0f}"
                for stage, value in peak["stage_peak_bytes"].items()
            )
            print(f"  the file's peak (MB) while each stage ran and was applied: {by_stage}")


def parallel_runs(figures: dict[str, Any], distinct: str, corpus: str, files: int, *, stand_in: bool) -> None:
    """``scanclean run`` with -j 1 and -j 2 on files of different text, then again without --force; and
    on the whole corpus as one file, whose sections the workers clean side by side."""
    figures["scaling_one_file"] = one = scaling(corpus, 1, stand_in=stand_in)
    print(
        f"\nscanclean run on the corpus as one file, {len(corpus.encode()) / MB:.1f} MB: "
        f"-j 1 {one['j1_seconds']:.1f} s, -j 2 {one['j2_seconds']:.1f} s, speed-up {one['speedup']:.2f}x; "
        f"outputs identical: {one['identical_outputs']}"
    )
    figures["scaling"] = scaling(distinct, files, stand_in=stand_in)
    run = figures["scaling"]
    which = " (reflow: stand-in)" if stand_in else ""
    print(
        f"\nscanclean run on {run['files']} files of different text, {len(distinct.encode()) / MB:.1f} MB"
        f"{which}: -j 1 {run['j1_seconds']:.1f} s, "
        f"-j 2 {run['j2_seconds']:.1f} s, "
        f"speed-up {run['speedup']:.2f}x (must be >= 1.7 on 2 free cores); CPU time -j 2 / -j 1 "
        f"{run['cpu_ratio']:.2f} (on 2 free cores about {2 / run['cpu_ratio']:.2f}x); "
        f"outputs identical: {run['identical_outputs']}\n"
        f"the same run again without --force: {run['incremental_seconds']:.2f} s "
        f"({run['incremental_summary']})"
    )


if __name__ == "__main__":
    main()
