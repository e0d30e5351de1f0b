"""Per-stage speed on the pipeline benchmark's corpus, with a stage's own work and the core's apart.

``bench_pipeline.py`` times each stage together with the core applying and logging its edits; this script
times the two apart, so that a stage's own logic can be judged on its own: ``run`` is the stage proposing
its edits, ``run+apply`` adds ``Document.apply``. Times are CPU seconds, the best of ``--repeats`` runs
(the machine is shared). ``ftfy.fix_text`` runs on the same text for scale.

    python bench/stage_speed.py --size 5                    # every stage
    python bench/stage_speed.py --size 5 --skip script ocr  # leave out slow stages (later stages then see
                                                            # text those stages did not touch)
    python bench/stage_speed.py --size 2 --passes           # seconds a MB (run + apply), first pass in a
                                                            # fresh process and second pass, per stage

``--passes`` shows what a stage costs on a first file (lexicons loaded, caches cold: what a user running
one file pays) beside what it costs once warm (a long run over many files), as seconds per MB.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import ftfy

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_pipeline import MB, build_corpus, scan_paragraphs  # noqa: E402

from pipeline.core.document import Document  # noqa: E402
from pipeline.core.settings import Settings  # noqa: E402
from pipeline.eval.datasets import default_data_dir  # noqa: E402
from pipeline.stages import STAGES  # noqa: E402

# What the process is doing (stage and run or apply), for attributing full garbage collections.
_phase = [""]


def stage_seconds(text: str, settings: Settings, skip: set[str]) -> dict[str, tuple[float, float, int]]:
    """For each stage in order: seconds of its ``run``, seconds of the core applying its edits, changes."""
    min_confidence = settings.rules("pipeline").number("min_confidence", low=0, high=1)
    document = Document(text, "bench")
    seconds = {}
    for name in settings.stages():
        if name in skip:
            continue
        _phase[0] = f"{name} run"
        began = time.process_time()
        edits = STAGES[name](document, settings)
        proposed = time.process_time()
        _phase[0] = f"{name} apply"
        changes = document.apply(name, edits, min_confidence=min_confidence)
        seconds[name] = (proposed - began, time.process_time() - proposed, len(changes))
    return seconds


def print_passes(corpus: str, size: float, settings: Settings, skip: set[str]) -> None:
    """Seconds a MB of each stage (its run and the core applying its edits), on a first pass in this
    process and on a second pass over the same text, with the core's share, the changes a MB and what
    the core spent on each (second pass)."""
    collections: list[tuple[int, str, float]] = []
    started = [0.0]

    def note_full_collection(phase: str, info: dict[str, int]) -> None:
        if info["generation"] == 2 and phase == "start":
            started[0] = time.process_time()
        elif info["generation"] == 2:
            collections.append((len(passes) + 1, _phase[0], time.process_time() - started[0]))

    passes: list[dict[str, tuple[float, float, int]]] = []
    gc.callbacks.append(note_full_collection)
    try:
        for _ in range(2):
            passes.append(stage_seconds(corpus, settings, skip))
    finally:
        gc.callbacks.remove(note_full_collection)
    print(f"corpus: {size:.1f} MB of real scan text; CPU seconds a MB (run + apply), of which apply")
    print(
        f"  {'stage':<12}{'1st pass':>10}{'apply':>8}{'2nd pass':>10}{'apply':>8}{'changes/MB':>12}"
        f"{'us/change':>11}"
    )
    totals = [0.0, 0.0]
    for name in passes[0]:
        cells = []
        for index, seconds in enumerate(passes):
            run, apply, changes = seconds[name]
            totals[index] += run + apply
            cells.append(f"{(run + apply) / size:10.3f}{apply / size:8.3f}")
        per_change = f"{1e6 * apply / changes:11.1f}" if changes else f"{'':11}"
        print(f"  {name:<12}{''.join(cells)}{changes / size:12,.0f}{per_change}")
    print(f"  {'all':<12}{totals[0] / size:10.3f}{'':8}{totals[1] / size:10.3f}")
    began = time.process_time()
    ftfy.fix_text(corpus)
    print(f"  ftfy.fix_text {(time.process_time() - began) / size:.3f} s a MB")
    landed = ", ".join(f"pass {number} {phase} {seconds:.2f} s" for number, phase, seconds in collections)
    print(f"  full garbage collections (counted in the figures above): {landed or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=5, help="corpus size in MB (default 5)")
    parser.add_argument("--repeats", type=int, default=2, help="runs; the best of each stage is shown")
    parser.add_argument("--skip", nargs="*", default=[], choices=list(STAGES), help="stages to leave out")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(), help="the shared eval folder")
    parser.add_argument(
        "--passes", action="store_true", help="seconds a MB, run + apply, of a first and a second pass"
    )
    args = parser.parse_args()
    settings = Settings()
    corpus = build_corpus(scan_paragraphs(args.data_dir), int(args.size * MB))
    size = len(corpus.encode("utf-8")) / MB
    if args.passes:
        print_passes(corpus, size, settings, set(args.skip))
        return
    best: dict[str, tuple[float, float, int]] = {}
    for _ in range(args.repeats):
        for name, (run, apply, changes) in stage_seconds(corpus, settings, set(args.skip)).items():
            best_run, best_apply, _ = best.get(name, (run, apply, changes))
            best[name] = (min(best_run, run), min(best_apply, apply), changes)
    began = time.process_time()
    ftfy.fix_text(corpus)
    ftfy_seconds = time.process_time() - began
    print(f"corpus: {size:.1f} MB of real scan text; CPU time, best of {args.repeats}")
    print(f"  {'stage':<12}{'run MB/s':>10}{'run+apply MB/s':>16}{'run s':>8}{'apply s':>9}{'changes':>9}")
    for name, (run, apply, changes) in best.items():
        print(
            f"  {name:<12}{size / max(run, 1e-9):10.1f}{size / max(run + apply, 1e-9):16.1f}"
            f"{run:8.3f}{apply:9.3f}{changes:9,}"
        )
    print(f"  ftfy.fix_text {size / ftfy_seconds:.1f} MB/s")


if __name__ == "__main__":
    main()
