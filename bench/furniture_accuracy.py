"""Furniture removal scored on generated pages: python bench/furniture_accuracy.py [PAGES] [SEED]

Typesets real text (../shared/eval ground truth when present, else the sample scan) into PAGES pages of
each layout in tests/pagegen.py, runs the furniture stage alone and counts furniture lines found and body
lines lost, per layout and in all.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pipeline
from tests.pagegen import LAYOUTS, OVERPROOF, body_paragraphs, generate, score_furniture


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    paragraphs = body_paragraphs()
    source = "OverProof ground truth" if OVERPROOF.is_file() else "the sample scan"
    print(f"body text: {source}; {pages} pages per layout, seed {seed}")
    print(
        f"{'layout':16} {'pages':>5} {'furniture':>9} {'removed':>7} {'precision':>9} {'recall':>7} "
        f"{'body lost':>9} {'breaks':>11}"
    )
    total = None
    for number, layout in enumerate(LAYOUTS):
        generated = generate(layout, pages, seed * 1000 + number, paragraphs)
        score = score_furniture(generated, pipeline.clean(generated.text, only=("furniture",)))
        total = score if total is None else total + score
        print(_row(layout.name, pages, score))
    assert total is not None
    print(_row("all", pages * len(LAYOUTS), total))


def _row(name: str, pages: int, score) -> str:
    return (
        f"{name:16} {pages:5} {score.furniture:9} {score.removed:7} {score.precision:9.4f} "
        f"{score.recall:7.4f} {score.body_removed:9} {score.breaks_written:5}/{score.breaks:<5}"
    )


if __name__ == "__main__":
    main()
