"""Speed of the input and encoding stages against ``ftfy.fix_text``, side by side on one corpus.

The corpus is real English scan text: the OCR output and ground truth of the ``../shared/eval`` sets
and the sample scan, repeated to the size asked for, with a small share of lines made into real
mojibake (their UTF-8 bytes read as Windows-1252, Latin-1 or Windows-1251). Both sides get the same
text; the stages are timed as a run pays for them (proposing the edits and the core applying them).

    python bench/bench_input_encoding.py [--mb 20] [--mojibake-every 500]

Exits with status 1 if the stages are less than 5 times as fast as ftfy.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # registers ftfy's "sloppy" codecs, used to make mojibake

from pipeline.core.document import Document
from pipeline.core.settings import Settings
from pipeline.stages import STAGES

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REQUIRED_SPEEDUP = 5.0
# The wrong readings mojibake lines are made with, in turn.
WRONG_READINGS = ("sloppy-windows-1252", "latin-1", "sloppy-windows-1251")


def scan_lines() -> Iterator[str]:
    """Lines of real English scan text: OCR output and its ground truth, and the sample scan."""
    yield from (REPO / "raw" / "stalin-documents.txt").read_text(encoding="utf-8").splitlines()
    overproof = SHARED / "eval" / "overproof-smh" / "allArticles.txt"
    for line in overproof.read_text(encoding="utf-8").splitlines():
        if "||@@||" in line:
            yield from line.split("||@@||")[:2]
    for path in sorted((SHARED / "eval" / "icdar2017-en").glob("*/*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("[OCR_toInput]"):
                yield from _wrap(line.removeprefix("[OCR_toInput]").strip())
    csv.field_size_limit(10**8)
    with (SHARED / "eval" / "bln600" / "train.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            yield from _wrap(row["OCR Text"])
            yield from _wrap(row["Ground Truth"])


def _wrap(text: str, width: int = 80) -> Iterator[str]:
    """A long paragraph as printed-column lines, as a scan has them."""
    line: list[str] = []
    length = 0
    for word in text.split():
        if length + len(word) > width and line:
            yield " ".join(line)
            line, length = [], 0
        line.append(word)
        length += len(word) + 1
    if line:
        yield " ".join(line)


def build_corpus(megabytes: float, mojibake_every: int) -> tuple[str, int]:
    """The corpus, and how many of its lines were made mojibake."""
    lines = list(scan_lines())
    # Lines with non-ASCII letters or punctuation can become mojibake; a curly apostrophe is added
    # to ASCII lines chosen for it, as UTF-8 text that a program read as Windows-1252 has it.
    out: list[str] = []
    size = 0
    made = 0
    target = int(megabytes * 1_000_000)
    number = 0
    while size < target:
        for line in lines:
            number += 1
            if number % mojibake_every == 0 and line.strip():
                line = _mojibake(line, WRONG_READINGS[made % len(WRONG_READINGS)])
                made += 1
            out.append(line)
            size += len(line) + 1
            if size >= target:
                break
    return "\n".join(out) + "\n", made


def _mojibake(line: str, reading: str) -> str:
    """The line's UTF-8 bytes read in the wrong encoding; an ASCII line first gets a curly apostrophe."""
    if line.isascii():
        line = line.replace("'", "’") if "'" in line else line.replace(" ", " “", 1) + "”"
    return line.encode("utf-8").decode(reading)


def time_stages(text: str) -> tuple[float, str, int]:
    settings = Settings(only=("input", "encoding"))
    start = time.perf_counter()
    document = Document(text)
    for stage in settings.stages():
        document.apply(stage, STAGES[stage](document, settings))
    elapsed = time.perf_counter() - start
    return elapsed, document.text, sum(change.applied for change in document.changes)


def time_ftfy(text: str) -> tuple[float, str]:
    start = time.perf_counter()
    fixed = ftfy.fix_text(text)
    return time.perf_counter() - start, fixed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in megabytes (default 20)")
    parser.add_argument(
        "--mojibake-every", type=int, default=500, help="make every Nth line mojibake (default 500)"
    )
    options = parser.parse_args()
    if not SHARED.is_dir():
        print("needs ../shared/eval (real data kept outside the repository)", file=sys.stderr)
        return 2
    text, made = build_corpus(options.mb, options.mojibake_every)
    megabytes = len(text.encode("utf-8")) / 1e6
    print(f"corpus: {megabytes:.1f} MB, {text.count(chr(10))} lines, {made} made mojibake")
    stages_seconds, cleaned, changes = time_stages(text)
    ftfy_seconds, _ = time_ftfy(text)
    speedup = ftfy_seconds / stages_seconds
    stages_speed = megabytes / stages_seconds
    print(f"input+encoding: {stages_seconds:6.2f} s  {stages_speed:6.1f} MB/s  {changes} changes")
    print(f"ftfy.fix_text:  {ftfy_seconds:6.2f} s  {megabytes / ftfy_seconds:6.1f} MB/s")
    print(f"speed-up: {speedup:.1f}x (required {REQUIRED_SPEEDUP:g}x)")
    remaining = sum(1 for line in cleaned.splitlines() if "â€" in line or "Ã" in line)
    print(f"lines still holding â€ or Ã after the stages: {remaining}")
    return 0 if speedup >= REQUIRED_SPEEDUP else 1


if __name__ == "__main__":
    sys.exit(main())
