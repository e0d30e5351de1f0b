"""Speed of the reflow stage on mostly clean English scan text, in MB/s of text.

    python bench/reflow_speed.py [--mb 10]

The text is real prose typeset into pages (tests/typeset.py: BLN600 ground truth from ../shared/eval,
else the sample scan), repeated to the size asked for. It measures the stage proposing its edits, and
the stage together with the core applying and logging them (one logged edit a joined line), next to
ftfy.fix_text on the same text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import ftfy  # noqa: E402

from pipeline.core.document import Document  # noqa: E402
from pipeline.core.settings import Settings  # noqa: E402
from pipeline.stages import reflow  # noqa: E402
from tests.typeset import Layout, bln600_articles, paragraphs_from_articles, sample_paragraphs, typeset  # noqa: E402

SHARED = REPO.parent / "shared" / "eval"


def corpus(megabytes: float) -> str:
    bln600 = SHARED / "bln600" / "train.csv"
    if bln600.exists():
        paragraphs = paragraphs_from_articles(bln600_articles(bln600), seed=5)
    else:
        paragraphs = sample_paragraphs()
    page = typeset(paragraphs, Layout(75, "blank", 40)).text
    copies = max(1, round(megabytes * 1e6 / len(page)))
    return "\f\n".join([page] * copies)


def timed(function, *args) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=10.0, help="size of the text in MB")
    args = parser.parse_args()
    text = corpus(args.mb)
    settings = Settings()
    megabytes = len(text.encode("utf-8")) / 1e6
    reflow.run(Document(text[:100_000]), settings)  # warm the rules and word caches

    propose = timed(reflow.run, Document(text), settings)

    def propose_and_apply() -> None:
        document = Document(text)
        document.apply("reflow", reflow.run(document, settings))

    apply = timed(propose_and_apply)
    sample = text[: len(text) // 10]
    fix_text = timed(ftfy.fix_text, sample) * 10
    print(f"{megabytes:.1f} MB of typeset scan text, {text.count(chr(10))} lines")
    print(f"reflow.run (edits proposed):        {megabytes / propose:7.1f} MB/s")
    print(f"reflow.run + Document.apply (logged): {megabytes / apply:5.1f} MB/s")
    print(f"ftfy.fix_text (on a tenth, scaled):  {megabytes / fix_text:6.1f} MB/s")


if __name__ == "__main__":
    main()
