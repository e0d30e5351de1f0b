"""Speed of the typography stage on mostly clean English text, in MB/s of UTF-8 input.

Text: the ground truth of ../shared/eval/bln600 (19th-century newspaper English, straight quotes), joined
into paragraphs and repeated to about 15 MB; the sample scan repeated when ../shared is absent. Three runs:
straight style (the text is already clean: almost nothing to do), curly style (every quote and apostrophe
becomes an edit) and curly style on text already curly. ``stage`` times ``typography.run`` alone,
``stage+apply`` adds the core applying and logging the edits.

    python bench/typography_speed.py [--megabytes 15] [--repeats 3]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from math import inf
from pathlib import Path

from pipeline.core.document import Document
from pipeline.core.settings import Settings
from pipeline.stages import typography

REPO = Path(__file__).resolve().parent.parent
BLN600 = REPO.parent / "shared" / "eval" / "bln600" / "train.csv"


def english_text(megabytes: float) -> tuple[str, str]:
    """About ``megabytes`` of clean English text and where it came from."""
    if BLN600.is_file():
        csv.field_size_limit(sys.maxsize)
        with BLN600.open(encoding="utf-8", newline="") as file:
            rows = [row["Ground Truth"].strip() for row in csv.DictReader(file)]
        source = "bln600 ground truth"
        unit = "\n\n".join(" ".join(rows[i : i + 8]) for i in range(0, len(rows), 8)) + "\n\n"
    else:
        source = "raw/stalin-documents.txt (../shared absent)"
        unit = (REPO / "raw" / "stalin-documents.txt").read_text(encoding="utf-8")
    copies = max(1, round(megabytes * 1e6 / len(unit.encode())))
    return unit * copies, source


def measure(text: str, style: str, repeats: int) -> tuple[float, float, int]:
    """CPU seconds (best of ``repeats``) for the stage alone, for stage and apply, and the edit count.

    CPU time, not wall time: the machine may be shared, and waiting for a core is not the stage's cost.
    """
    settings = Settings(only=("typography",), overrides=(f"typography.style={style}",))
    typography.compile_rules(settings.rules_dir, settings.overrides)  # rules compiled once per run
    best_stage = best_total = inf
    for _ in range(repeats):
        document = Document(text)
        started = time.process_time()
        edits = typography.run(document, settings)
        stage = time.process_time() - started
        document.apply("typography", edits)
        best_stage, best_total = min(best_stage, stage), min(best_total, time.process_time() - started)
    return best_stage, best_total, len(edits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=15.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    text, source = english_text(args.megabytes)
    megabytes = len(text.encode()) / 1e6
    print(f"{megabytes:.1f} MB of {source}")
    curly = Document(text)
    curly.apply("typography", typography.run(curly, Settings(only=("typography",))))
    for label, sample, style in (
        ("straight style, clean text", text, "straight"),
        ("curly style, straight text", text, "curly"),
        ("curly style, curly text", curly.text, "curly"),
    ):
        stage, applied, edits = measure(sample, style, args.repeats)
        size = len(sample.encode()) / 1e6
        speeds = f"stage {size / stage:6.1f} MB/s   stage+apply {size / applied:6.1f} MB/s"
        print(f"{label:28} {speeds}   {edits} edits")


if __name__ == "__main__":
    main()
