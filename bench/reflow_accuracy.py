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

import pipeline  # noqa: E402
from tests.typeset import (  # noqa: E402
    LAYOUTS,
    Layout,
    Tally,
    bln600_articles,
    paragraphs_from_articles,
    score_reflow,
    typeset,
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


def sample_paragraphs() -> list[str]:
    """The sample scan's paragraphs of three lines or more, lines joined (its line-end hyphens are all
    compounds: co-conspirators, so-called, Anglo-American)."""
    raw = (REPO / "raw" / "stalin-documents.txt").read_text(encoding="utf-8")
    blocks = [block.split("\n") for block in raw.split("\n\n")]
    paragraphs = []
    for lines in blocks:
        lines = [line.strip() for line in lines if line.strip()]
        if len(lines) >= 3:
            text = " ".join(lines).replace("- ", "-")
            paragraphs.append(text)
    return paragraphs


def measure(paragraphs: list[str], layouts: tuple[Layout, ...], chunk: int = 40) -> dict[Layout, Tally]:
    """Typeset the paragraphs in each layout, in documents of ``chunk`` paragraphs, and score reflow."""
    tallies = {}
    for layout in layouts:
        tally = Tally()
        for start in range(0, len(paragraphs), chunk):
            typeset_text = typeset(paragraphs[start : start + chunk], layout)
            output = pipeline.clean(typeset_text.text, only=("reflow",)).text
            score_reflow(typeset_text, output, tally)
        tallies[layout] = tally
    return tallies


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
