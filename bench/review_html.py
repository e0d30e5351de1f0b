"""How the HTML review copes with a 5 MB scan: time to write the page, to load and use it in chromium.

    python bench/review_html.py [--mb 5]

The scan is the sample repeated (pages separated by form feeds) and cleaned with the review tests'
stand-in stages, which make a change on most lines. Needs chromium at /usr/bin/chromium and playwright.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.api import clean  # noqa: E402
from pipeline.batch import write_atomically  # noqa: E402
from pipeline.review.html import render_page  # noqa: E402
from pipeline.review.reviewed import open_log  # noqa: E402
from tests.review_stages import stand_in_stages  # noqa: E402
from tests.test_review_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def big_scan(megabytes: float) -> str:
    sample = (REPO / "raw" / "stalin-documents.txt").read_text(encoding="utf-8")
    copies = int(megabytes * 1_000_000 // len(sample.encode("utf-8"))) + 1
    return "\n\f\n".join(f"{number}\n\n{sample}" for number in range(copies))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        text = big_scan(args.mb)
        with stand_in_stages():
            result = clean(text)
        log_path, cleaned_path = out / "big.changes.jsonl", out / "big.txt"
        write_atomically({cleaned_path: result.text, log_path: result.changelog()})
        started = time.perf_counter()
        log = open_log(log_path)
        html = render_page(log, log.changes)
        written = time.perf_counter() - started
        page_path = out / "review.html"
        page_path.write_text(html, encoding="utf-8")
        print(f"scan: {len(text.encode()) / 1e6:.1f} MB, {len(log.changes)} changes")
        size = len(html.encode()) / 1e6
        print(f"page: {size:.1f} MB, written in {written:.2f} s (read log, restore, align)")

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            page.goto(page_path.as_uri())
            page.wait_for_function("window.scancleanReview && window.scancleanReview.ready", timeout=120_000)
            wall = time.perf_counter() - started
            ready = page.evaluate("performance.now()")
            script = page.evaluate("window.scancleanReview.loadMs")
            print(f"browser: ready {ready:.0f} ms after navigation (script {script:.0f} ms), {wall:.2f} s")
            timing = page.evaluate(
                """async (last) => {
                    const t = performance.now();
                    window.scancleanReview.jump(last);
                    await new Promise(requestAnimationFrame);
                    const jumped = performance.now() - t;
                    const u = performance.now();
                    document.querySelector('#stages input[value="reflow"]').click();
                    await new Promise(requestAnimationFrame);
                    return [jumped, performance.now() - u];
                }""",
                log.changes[-2].id,
            )
            print(f"jump to the last change: {timing[0]:.0f} ms; filter out a stage: {timing[1]:.0f} ms")
            browser.close()


if __name__ == "__main__":
    main()
