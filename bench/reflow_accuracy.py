"""Measure the reflow stage on real text typeset into scanned-looking pages (see tests/typeset.py).

    python bench/reflow_accuracy.py [--sample N] [--errors N]

Prints, for every layout and overall: de-hyphenation accuracy (words broken at a line end joined or
kept as the source has them), line joins right (breaks inside a paragraph joined as the source has
them) and paragraph breaks kept. The text is the human-corrected ground truth in ../shared/eval
(BLN600 newspaper articles cut into paragraphs); without it, the paragraphs of the sample scan.
ICDAR 2017's ground truth is not used: it keeps the printed line-end hyphens (`foun-ders`), so it
cannot tell which hyphens are the words' own.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.typeset import (  # noqa: E402
    LAYOUTS,
    Tally,
    bln600_articles,
    measure,
    paragraphs_from_articles,
    sample_paragraphs,
)

SHARED = REPO.parent / "shared" / "eval"
WORD_BREAKS = ("syllable", "compound")
LINE_JOINS = ("space", "dash")


def real_paragraphs(every: int = 1) -> tuple[str, list[str]]:
    """Paragraphs of real text: the eval sets' ground truth where present, else the sample scan's."""
    bln600 = SHARED / "bln600" / "train.csv"
    if bln600.exists():
        articles = bln600_articles(bln600)[::every]
        return "BLN600 ground truth", paragraphs_from_articles(articles, seed=5)
    return "sample scan", sample_paragraphs()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=1, help="use every Nth article (faster)")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of each layout")
    args = parser.parse_args()
    name, paragraphs = real_paragraphs(args.sample)
    started = time.perf_counter()
    tallies = measure(paragraphs, LAYOUTS)
    print(
        f"{name}: {len(paragraphs)} paragraphs, {len(LAYOUTS)} layouts, {time.perf_counter() - started:.1f} s"
    )
    print(f"{'layout':<22} {'dehyphenation':>18} {'line joins':>18} {'paragraph breaks':>18}")
    overall = Tally()
    for layout, tally in tallies.items():
        for kind in tally.total:
            overall.total[kind] = overall.total.get(kind, 0) + tally.total[kind]
            overall.right[kind] = overall.right.get(kind, 0) + tally.right[kind]
        label = f"{layout.width} cols, {layout.paragraphs}"
        print(_row(label, tally))
        for error in tally.errors[: args.errors]:
            print("   ", error)
    print(_row("all", overall))


def _row(label: str, tally: Tally) -> str:
    figures = (_figure(tally, kinds) for kinds in (WORD_BREAKS, LINE_JOINS, ("paragraph",)))
    return f"{label:<22} " + " ".join(figures)


def _figure(tally: Tally, kinds: tuple[str, ...]) -> str:
    return f"{tally.share(*kinds):.4f} of {tally.count(*kinds):>6}"


if __name__ == "__main__":
    main()
