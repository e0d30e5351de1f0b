"""Speed of the furniture stage alone, in MB/s: python bench/furniture_speed.py [MEGABYTES]

Two inputs of about MEGABYTES each: clean running text without pages (the sample scan's paragraphs
repeated, page breaks taken out), and generated book pages with headers, footers and page numbers.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import ftfy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.core.document import Document
from pipeline.core.settings import Settings
from pipeline.stages import furniture
from tests.conftest import SAMPLE
from tests.pagegen import LAYOUTS, body_paragraphs, generate


def throughput(text: str, settings: Settings) -> float:
    """MB/s of the stage over ``text`` (best of three runs)."""
    best = float("inf")
    for _ in range(3):
        document = Document(text)
        started = time.perf_counter()
        edits = furniture.run(document, settings)
        document.apply("furniture", edits)
        best = min(best, time.perf_counter() - started)
    return len(text.encode("utf-8")) / 1e6 / best


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 4
    settings = Settings()
    sample = re.sub(r"\n{3,}", "\n\n", SAMPLE.read_text(encoding="utf-8"))
    clean = sample * max(1, int(megabytes * 1e6 / len(sample)))
    paragraphs = body_paragraphs()
    pages = "".join(generate(layout, 200, number, paragraphs).text for number, layout in enumerate(LAYOUTS))
    pages = pages * max(1, int(megabytes * 1e6 / len(pages)))
    started = time.perf_counter()
    ftfy.fix_text(sample * 20)
    reference = len(sample * 20) / 1e6 / (time.perf_counter() - started)
    print(f"ftfy.fix_text on the same clean text, for scale: {reference:.2f} MB/s")
    print(f"clean text without pages: {len(clean) / 1e6:.1f} MB at {throughput(clean, settings):.1f} MB/s")
    print(f"generated pages:          {len(pages) / 1e6:.1f} MB at {throughput(pages, settings):.1f} MB/s")


if __name__ == "__main__":
    main()
