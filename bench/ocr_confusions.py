"""Derive OCR confusion counts from real OCR aligned with its ground truth (``../shared/eval``).

Lines (OverProof) or sentences (BLN600) are aligned word by word; each word pair that differs is aligned
character by character, and each run of differing characters is counted as ``(ocr, truth)``. The channel
cost of a confusion is ``-log10(count / occurrences of the true string in the ground truth)``: what
``rules/ocr.toml`` keeps as ``[[confusion]]`` entries.

    python bench/ocr_confusions.py [--top 80] [--min-count 8]

Marks that are no letters (`«`, `~`) are counted where they touch a letter, as the stage reads words.
"""

from __future__ import annotations

import argparse
import csv
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from pipeline.stages.ocr import token_pattern

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
# Words as the ocr stage reads them, with the marks that may stand for letters where they touch one
# (`hi«`, `H~e`): those the table lists and others worth a count.
_TOKEN = token_pattern("«»‹›\\^{}~*|")


def line_pairs() -> Iterator[tuple[str, str]]:
    """(OCR, ground truth) pairs of the development sets that are aligned by line or sentence."""
    for line in (SHARED / "overproof-smh" / "allArticles.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("||@@||")
        if len(parts) >= 2:
            yield parts[0], parts[1]
    with (SHARED / "bln600" / "train.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield row["OCR Text"], row["Ground Truth"]


def word_pairs(ocr: str, truth: str) -> Iterator[tuple[str, str]]:
    """Words of OCR and truth that stand for each other (one-for-one replacements in the word alignment)."""
    ocr_words, true_words = _TOKEN.findall(ocr), _TOKEN.findall(truth)
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(ocr_words, true_words):
        if tag == "replace" and i2 - i1 == j2 - j1:
            yield from zip(ocr_words[i1:i2], true_words[j1:j2], strict=True)


def confusions(ocr: str, truth: str) -> Iterator[tuple[str, str]]:
    """Runs of differing characters between two words, as (ocr, truth)."""
    ops = [op for op in Levenshtein.opcodes(ocr, truth)]
    run: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in [*ops, ("equal", 0, 0, 0, 0)]:
        if tag != "equal":
            run.append((i1, i2, j1, j2))
            continue
        if run:
            yield ocr[run[0][0] : run[-1][1]], truth[run[0][2] : run[-1][3]]
            run = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=80)
    parser.add_argument("--min-count", type=int, default=8)
    args = parser.parse_args()
    counts: Counter[tuple[str, str]] = Counter()
    truth_text: list[str] = []
    for ocr, truth in line_pairs():
        truth_text.append(truth)
        for ocr_word, true_word in word_pairs(ocr, truth):
            if Levenshtein.distance(ocr_word, true_word) <= 2:
                counts.update(confusions(ocr_word, true_word))
    corpus = "\n".join(truth_text)
    print("# ocr -> truth: count, cost = -log10(count / occurrences of truth)")
    for (wrong, right), count in counts.most_common(args.top):
        if count < args.min_count:
            break
        occurrences = corpus.count(right) if right else len(corpus)
        cost = -math.log10(count / max(occurrences, count))
        print(f"{wrong!r:>8} -> {right!r:<8} {count:6d}  cost {cost:.2f}")


if __name__ == "__main__":
    main()
