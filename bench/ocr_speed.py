"""Throughput of stage `ocr` on mostly clean English scan text, beside ftfy.fix_text on the same text.

The text is the hand-corrected ground truth of OverProof's SMH articles (0.3 MB of newspaper English
with many names, numbers and words split at line ends), of BLN600's 19th-century British newspapers
(1.3 MB) and the sample scan: 1.7 MB in all. The lexicon and the deletion
index are built once per process, before the clock starts. The first pass is what a new text costs; the
second shows the process-wide cache of candidate scores (what a batch of similar documents costs).

    python bench/ocr_speed.py [--noisy]

``--noisy`` times the raw OCR side instead: the stage then has real work on most lines.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import ftfy

from pipeline.core.document import Document
from pipeline.core.settings import Settings
from pipeline.stages import ocr

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO.parent / "shared" / "eval"
SMH = EVAL / "overproof-smh" / "allArticles.txt"
BLN600 = EVAL / "bln600" / "train.csv"


def corpus(noisy: bool) -> str:
    column = 0 if noisy else 1
    lines = [
        line.split("||@@||")[column]
        for line in SMH.read_text(encoding="utf-8").splitlines()
        if "||@@||" in line
    ]
    with BLN600.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    lines += [row["OCR Text" if noisy else "Ground Truth"] for row in rows]
    return "\n".join(lines) + "\n" + (REPO / "raw" / "stalin-documents.txt").read_text(encoding="utf-8")


def throughput(function, text: str) -> float:
    start = time.perf_counter()
    function(text)
    return len(text.encode("utf-8")) / 1e6 / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noisy", action="store_true")
    args = parser.parse_args()
    text = corpus(args.noisy)
    settings = Settings()
    ocr.run(Document("tbe lexicon and index are built now"), settings)

    def stage(text: str) -> None:
        ocr.run(Document(text), settings)

    size = len(text.encode("utf-8")) / 1e6
    print(f"{size:.1f} MB of {'raw OCR' if args.noisy else 'clean'} text")
    print(f"ocr stage, first pass   {throughput(stage, text):6.2f} MB/s")
    print(f"ocr stage, second pass  {throughput(stage, text):6.2f} MB/s")
    print(f"ftfy.fix_text           {throughput(ftfy.fix_text, text):6.2f} MB/s")


if __name__ == "__main__":
    main()
