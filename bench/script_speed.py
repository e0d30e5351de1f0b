"""Speed and memory of the `script` stage: on real scan text, and its start-up cost in a fresh process.

    python bench/script_speed.py [--megabytes N] [--capitals]

1. Start-up: a fresh process runs the stage once on the sample scan (a small file with two garbled
   poster captions), as each worker of ``scanclean run -j 2`` does: CPU seconds of that first call,
   with the Russian lexicon read back from the cache folder, and built from wordfreq's list.
2. Throughput: the benchmark corpus of ``bench/bench_pipeline.py`` (real OCR text of ``../shared/eval``
   and the sample scan, mostly English, with the sample's captions in it) is cut to N MB and passed
   through the stages before `script` (input, encoding, furniture); then the stage runs on it in this
   process, first with everything to load and search (the lexicon from the cache), then again with
   the lexicon and word look-ups warm: what ordinary English scan text costs once the one-off work
   is done. CPU seconds (``time.process_time``), so that other work on a shared machine disturbs
   them less.
3. Memory: the resident size the stage's lexicon and look-ups add, and the peak of the whole run.

``--capitals`` upper-cases the corpus first, so that every line is a line of capitals to check: the
stage's worst case (an all-capitals telegram or poster collection), where most words are looked up.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.core.document import Document  # noqa: E402
from pipeline.core.settings import Settings  # noqa: E402
from pipeline.stages import STAGES, script  # noqa: E402

SAMPLE = REPO / "raw" / "stalin-documents.txt"
MB = 1_000_000

# What the fresh process runs: the stage alone on the sample scan, its first call timed.
FIRST_CALL = """
import json, sys, time
from pipeline.core.document import Document
from pipeline.core.settings import Settings
from pipeline.stages import script
text = open(sys.argv[1], encoding="utf-8").read()
started = time.process_time()
edits = script.run(Document(text), Settings())
print(json.dumps({"seconds": time.process_time() - started, "edits": len(edits)}))
"""


def first_call(cache_folder: str) -> dict[str, float]:
    """CPU seconds of the stage's first call on the sample scan, in a fresh process."""
    environment = {**os.environ, "XDG_CACHE_HOME": cache_folder}
    output = subprocess.run(
        [sys.executable, "-c", FIRST_CALL, str(SAMPLE)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=environment,
    ).stdout
    return json.loads(output)


def bench_pipeline() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_pipeline", REPO / "bench" / "bench_pipeline.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def before_script(text: str, settings: Settings) -> str:
    """The text as the `script` stage sees it in the pipeline: after input, encoding and furniture."""
    document = Document(text, "bench")
    for name in settings.stages():
        if name == "script":
            break
        document.apply(name, STAGES[name](document, settings))
    return document.text


def resident_mb() -> float:
    """This process's resident size now, in MB (Linux), or its peak elsewhere."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / MB
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--capitals", action="store_true", help="upper-case the corpus (the worst case)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as cache_folder:
        built = first_call(cache_folder)  # an empty cache folder: the lexicon is built (and kept)
        cached = first_call(cache_folder)
    print(f"start-up, fresh process, stage alone on the sample scan ({SAMPLE.stat().st_size:,} bytes):")
    print(f"  lexicon read from the cache:   {cached['seconds']:.2f} s CPU ({cached['edits']} edits)")
    print(f"  lexicon built from wordfreq:   {built['seconds']:.2f} s CPU")

    bench = bench_pipeline()
    settings = Settings()
    corpus = bench.build_corpus(bench.scan_paragraphs(bench.default_data_dir()), int(args.megabytes * MB))
    text = before_script(corpus.upper() if args.capitals else corpus, settings)
    size = len(text.encode("utf-8")) / MB
    resident = resident_mb()
    started = time.process_time()
    edits = script.run(Document(text), settings)
    cold = time.process_time() - started
    grown = resident_mb() - resident
    started = time.process_time()
    script.run(Document(text), settings)
    warm = time.process_time() - started
    which = ", upper-cased" if args.capitals else ""
    print(f"bench corpus{which}, {size:.1f} MB after input, encoding and furniture ({len(edits)} edits):")
    print(f"  first run (lexicon from the cache, every look-up new): {cold:.2f} s, {size / cold:.1f} MB/s")
    print(f"  second run (look-ups warm): {warm:.2f} s, {size / warm:.1f} MB/s")
    print(f"  resident size the stage added: {grown:+.0f} MB ({grown / size:.1f}x the text)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
