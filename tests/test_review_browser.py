"""The HTML review in a real headless browser: every change shown, filters work, a screenshot is taken.

Uses Debian's chromium (``apt-get install chromium``, as ``.ci/run`` does) driven by playwright; the
tests skip with the reason where either is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.core import changelog
from tests.conftest import SAMPLE
from tests.review_stages import stand_in_stages

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (dev extra)")
    if not CHROMIUM.exists():
        pytest.skip(f"needs chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def review_page(tmp_path: Path, *, stand_ins: bool) -> tuple[Path, list]:
    """Clean the sample into ``tmp_path``, write its HTML review; return the page and the logged changes."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE, raw / SAMPLE.name)
    runner = CliRunner()
    if stand_ins:
        with stand_in_stages():
            assert runner.invoke(main, ["run", str(raw), "-o", str(tmp_path / "cleaned")]).exit_code == 0
    else:
        assert runner.invoke(main, ["run", str(raw), "-o", str(tmp_path / "cleaned")]).exit_code == 0
    log = tmp_path / "cleaned" / "stalin-documents.changes.jsonl"
    page = tmp_path / "review.html"
    result = runner.invoke(main, ["review", str(log), "--html", str(page)])
    assert result.exit_code == 0, result.output
    return page, changelog.parse(log.read_text(encoding="utf-8"))[1]


def open_page(browser: object, page_path: Path) -> object:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_path.as_uri())
    page.wait_for_function("window.scancleanReview && window.scancleanReview.ready")
    assert all(url.startswith("file:") or url.startswith("blob:") for url in requests), requests
    return page


def shown_ids(page: object) -> set[str]:
    """Ids of the changes listed, scrolling the (virtualised) list from top to bottom."""
    return set(
        page.evaluate(
            """async () => {
                const list = document.getElementById("list"), seen = new Set();
                for (let top = 0; ; top += list.clientHeight / 2) {
                    list.scrollTop = top; list.dispatchEvent(new Event("scroll"));
                    await new Promise(requestAnimationFrame);
                    list.querySelectorAll("button[data-id]").forEach(b => seen.add(b.dataset.id));
                    if (top > list.scrollHeight) break;
                }
                return [...seen];
            }"""
        )
    )


def not_marked(page: object, ids: list[str]) -> list[str]:
    """The ids that, once jumped to, lack a visible mark in the raw text or a mark in the cleaned text."""
    return page.evaluate(
        """ids => ids.filter(id => {
            window.scancleanReview.jump(id);
            const raw = document.querySelector(`#rows mark[data-id="${id}"][data-side="r"]`);
            const box = raw && raw.getBoundingClientRect();
            const inView = box && box.bottom > 0 && box.top < innerHeight;
            const cleaned = document.querySelectorAll(`#rows mark[data-id="${id}"][data-side="c"]`);
            return !inView || cleaned.length !== 1;
        })""",
        ids,
    )


def test_the_sample_review_shows_every_change_of_the_full_pipeline(browser: object, tmp_path: Path) -> None:
    page_path, changes = review_page(tmp_path, stand_ins=False)
    page = open_page(browser, page_path)
    assert shown_ids(page) == {change.id for change in changes}
    for change in changes:
        page.evaluate("id => window.scancleanReview.jump(id)", change.id)
        assert page.locator(f'#rows mark[data-id="{change.id}"][data-side="r"]').is_visible()
    page.screenshot(path=str(tmp_path / "sample.png"))
    page.close()


def test_a_review_with_many_stages_shows_and_filters_every_change(browser: object, tmp_path: Path) -> None:
    page_path, changes = review_page(tmp_path, stand_ins=True)
    page = open_page(browser, page_path)
    ids = {change.id for change in changes}
    assert shown_ids(page) == ids
    assert not_marked(page, [change.id for change in changes]) == []
    # Hover and keyboard focus tell the rule and the confidence.
    suggestion = next(change for change in changes if not change.applied)
    page.evaluate("id => window.scancleanReview.jump(id)", suggestion.id)
    assert (
        page.locator("#tip")
        .inner_text()
        .startswith(f"{suggestion.rule} · confidence {suggestion.confidence:.2f}")
    )

    page.uncheck('#stages input[value="reflow"]')
    left = {change.id for change in changes if change.stage != "reflow"}
    assert shown_ids(page) == left
    assert page.locator('#rows mark[data-id][class*="s-reflow"]').count() == 0
    assert page.locator("#summary").inner_text().startswith(f"{len(left)} of {len(changes)} changes shown")
    page.screenshot(path=str(tmp_path / "filtered.png"))
    page.close()


def test_accept_and_reject_export_a_decisions_file_the_next_run_reads(
    browser: object, tmp_path: Path
) -> None:
    page_path, changes = review_page(tmp_path, stand_ins=True)
    page = open_page(browser, page_path)
    rejected = next(change for change in changes if change.rule == "ocr/doubled-v")
    accepted = next(change for change in changes if not change.applied)
    page.evaluate("id => window.scancleanReview.jump(id)", rejected.id)
    page.keyboard.press("r")
    page.evaluate("id => window.scancleanReview.jump(id)", accepted.id)
    page.click('#detail button[data-act="accept"]')
    with page.expect_download() as download:
        page.click("#export")
    saved = tmp_path / "rules" / "decisions" / "stalin-documents.toml"
    saved.parent.mkdir(parents=True)
    download.value.save_as(saved)
    assert download.value.suggested_filename == "stalin-documents.toml"
    page.close()

    from pipeline.review.decisions import load_decisions

    assert dict(load_decisions(saved)) == {rejected.id: False, accepted.id: True}

    # The next run honours them, and the review of its log exports them again unchanged.
    runner = CliRunner()
    with stand_in_stages():
        run = runner.invoke(
            main,
            [
                "run",
                str(tmp_path / "raw"),
                "-o",
                str(tmp_path / "cleaned"),
                "--rules",
                str(tmp_path / "rules"),
            ],
        )
    assert run.exit_code == 0 and "warning" not in run.stderr
    log = tmp_path / "cleaned" / "stalin-documents.changes.jsonl"
    assert runner.invoke(main, ["review", str(log), "--html", str(page_path)]).exit_code == 0
    page = open_page(browser, page_path)
    assert page.locator("#ndec").inner_text() == "2"
    with page.expect_download() as download:
        page.click("#export")
    again = tmp_path / "again.toml"
    download.value.save_as(again)
    page.close()
    assert load_decisions(again) == load_decisions(saved)


def test_the_margin_numbers_the_raw_pages_and_page_jumps_there(browser: object, tmp_path: Path) -> None:
    pages = [f"Page {number} begins here.\n\nIts second paragraph.\n" for number in range(1, 40)]
    (tmp_path / "scan.txt").write_text("\f\n".join(pages), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["run", str(tmp_path / "scan.txt"), "-o", str(tmp_path)]).exit_code == 0
    page_path = tmp_path / "review.html"
    assert (
        runner.invoke(
            main, ["review", str(tmp_path / "scan.changes.jsonl"), "--html", str(page_path)]
        ).exit_code
        == 0
    )
    page = open_page(browser, page_path)
    page.fill("#page", "33")
    page.press("#page", "Enter")
    label = page.locator(".gutter b", has_text="p. 33")
    assert label.is_visible()
    row = label.locator("xpath=ancestor::div[contains(@class, 'row')]")
    assert row.locator("pre").first.inner_text().startswith("Page 33 begins here.")
    page.close()


def test_changes_inside_later_changes_and_overlapping_suggestions_are_all_marked(
    browser: object, tmp_path: Path
) -> None:
    from pipeline.core.document import Document
    from pipeline.core.edits import Edit

    document = Document("He said: losif VVoroshilov's men.\n")
    document.apply("input", [Edit(15, 17, "V", "doubled-v")])  # "VVoroshilov" -> "Voroshilov"
    document.apply(
        "ocr", [Edit(9, 14, "Iosif", "l-for-I"), Edit(9, 25, "I. V.", "initials", 0.2, applied=False)]
    )
    document.apply("typography", [Edit(9, 31, "Iosif Voroshilov’s men", "apostrophe")])  # covers both
    document.apply(
        "output", [Edit(3, 7, "says", "tense", 0.4, applied=False), Edit(5, 9, "id:", "x", 0.3, False)]
    )
    head = changelog.header(
        source="nested.txt",
        source_sha256=None,
        raw_sha256=changelog.sha256_text(document.raw),
        cleaned_sha256=changelog.sha256_text(document.text),
    )
    (tmp_path / "nested.txt").write_text(document.text, encoding="utf-8")
    log = tmp_path / "nested.changes.jsonl"
    log.write_text(changelog.dump(head, document.located_changes()), encoding="utf-8")
    page_path = tmp_path / "nested.html"
    assert CliRunner().invoke(main, ["review", str(log), "--html", str(page_path)]).exit_code == 0
    page = open_page(browser, page_path)
    for change in document.changes:
        for side in "rc":
            assert page.locator(f'#rows mark[data-id="{change.id}"][data-side="{side}"]').count() == 1, change
    raw_text = page.locator("#rows pre").first.inner_text()
    assert raw_text == document.raw.rstrip("\n") or raw_text == document.raw
    page.close()
