"""Speed of the `script` stage on mostly clean English scan text.

    python bench/script_speed.py [--megabytes N]

Times the stage alone (``run`` on a document) on the sample scan repeated to about N MB, after one
warm-up run that builds the lexicons (a fixed cost paid once per process, reported apart). The sample
has two garbled poster captions a copy, so the repeated text exercises the restoring path too.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipeline.core.document import Document
from pipeline.core.settings import Settings
from pipeline.stages import script

SAMPLE = Path(__file__).resolve().parent.parent / "raw" / "stalin-documents.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=5.0)
    args = parser.parse_args(argv)
    sample = SAMPLE.read_text(encoding="utf-8")
    settings = Settings()
    started = time.perf_counter()
    script.run(Document(sample), settings)
    warm_up = time.perf_counter() - started
    text = sample * max(1, round(args.megabytes * 1e6 / len(sample.encode("utf-8"))))
    size = len(text.encode("utf-8")) / 1e6
    started = time.perf_counter()
    edits = script.run(Document(text), settings)
    seconds = time.perf_counter() - started
    print(f"warm-up (lexicons built): {warm_up:.1f} s")
    print(f"{size:.1f} MB in {seconds:.2f} s: {size / seconds:.1f} MB/s, {len(edits)} edits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
