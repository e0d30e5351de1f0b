"""A large file is cleaned a section at a time: the outputs still rebuild the raw text, and every change
still says where in the whole file it sits."""

from __future__ import annotations

import tempfile
from bisect import bisect_right
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.api import clean_text
from pipeline.batch import clean_file, clean_files
from pipeline.core import changelog
from pipeline.core.sections import section_ends
from pipeline.core.settings import Settings
from tests.conftest import invoke
from tests.pagegen import LAYOUTS, generate

WHITESPACE = " \t\r\n\f"
TEXTS = st.text(st.sampled_from(list("ab. \n\n\r\f-éЖ”»\u00a0")), max_size=300)


@settings(max_examples=300)
@given(TEXTS, st.integers(0, 40))
def test_sections_cover_the_text_and_end_at_whitespace(text: str, size: int) -> None:
    data = text.encode("utf-8")
    ends = section_ends(data, size)
    pieces = [data[start:end].decode("utf-8") for start, end in zip([0, *ends], ends, strict=False)]
    assert "".join(pieces) == text
    assert ends == sorted(set(ends)) and ends[-1] == len(data)
    for piece, end in zip(pieces[:-1], ends, strict=False):
        assert len(piece.encode("utf-8")) > size and piece[-1] in WHITESPACE
        assert not (piece.endswith("\r") and data.startswith(b"\n", end))  # a CRLF is never cut


def test_a_cut_falls_after_blank_lines_first_then_after_a_sentence() -> None:
    text = "First line\nof a paragraph.\n\n\nSecond paragraph, one line.\nThird line\ngoes on."
    data = text.encode("utf-8")
    ends = section_ends(data, 16)
    assert data[: ends[0]] == b"First line\nof a paragraph.\n\n\n"
    assert data[ends[0] : ends[1]] == b"Second paragraph, one line.\n"


@settings(max_examples=60)
@given(TEXTS.filter(str.strip))
def test_a_text_cleaned_in_tiny_sections_restores_exactly(text: str) -> None:
    result = clean_text(text, Settings(overrides=("pipeline.section_mb=0.00003",)))
    head, changes = changelog.parse(result.changelog())
    assert changelog.restore(result.text, changes, head) == text
    ids = [change.id for change in changes]
    assert len(ids) == len(set(ids))


def test_the_same_change_in_two_sections_gets_two_ids() -> None:
    text = "He said losif Stalin would come.\n\n" * 40
    result = clean_text(text, Settings(overrides=("pipeline.section_mb=0.0001",)))
    ids = [change.id for change in result.changes if change.before == "losif"]
    assert len(ids) == 40 and len(set(ids)) == 40


def _pages(seed: int) -> str:
    return generate(LAYOUTS[seed % len(LAYOUTS)], pages=24, seed=seed).text


def _run(text: str, folder: Path, section_mb: str) -> tuple[str, str]:
    source = folder / "scan.txt"
    source.write_text(text, encoding="utf-8")
    out = folder / f"out-{section_mb}"
    outcome = clean_file(source, out, Settings(overrides=(f"pipeline.section_mb={section_mb}",)))
    assert outcome.error is None
    return (out / "scan.txt").read_text(encoding="utf-8"), (out / "scan.changes.jsonl").read_text("utf-8")


def test_a_file_cleaned_in_sections_rebuilds_its_raw_text_and_places_each_change(tmp_path: Path) -> None:
    text = _pages(seed=3)
    cleaned, log = _run(text, tmp_path, "0.004")
    head, changes = changelog.parse(log)
    assert len(section_ends(text.encode("utf-8"), 4000)) > 5
    assert changelog.restore(cleaned, changes, head) == text
    assert len({change.id for change in changes}) == len(changes)
    pages = head["page_starts"]
    assert len(pages) > 10 and pages == sorted(pages)
    # The pages are those found when the file is cleaned whole: no section starts one unseen.
    assert pages == clean_text(text, Settings(overrides=("pipeline.section_mb=0",))).header["page_starts"]
    for change in changes:
        assert change.line == text.count("\n", 0, change.raw_start) + 1
        assert change.page == bisect_right(pages, change.raw_start) + 1
    # Furniture is still found in every section: the running headers and page numbers are gone.
    assert sum(change.stage == "furniture" and change.applied for change in changes) > 20


def test_written_outputs_are_the_ones_the_api_gives(tmp_path: Path) -> None:
    text = _pages(seed=5)
    cleaned, log = _run(text, tmp_path, "0.004")
    result = clean_text(text, Settings(overrides=("pipeline.section_mb=0.004",)), name="scan.txt")
    assert cleaned == result.text
    assert log.splitlines()[1:] == result.changelog().splitlines()[1:]


def test_a_file_within_one_section_is_cleaned_as_a_whole(tmp_path: Path) -> None:
    text = _pages(seed=7)
    whole, whole_log = _run(text, tmp_path, "0")
    sectioned, sectioned_log = _run(text, tmp_path, "1")
    assert sectioned == whole
    assert sectioned_log.splitlines()[1:] == whole_log.splitlines()[1:]


def test_a_temporary_folder_that_cannot_be_made_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "scan.txt"
    source.write_text("He said losif Stalin would come.\n", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    outcome = clean_file(source, tmp_path / "out", Settings())
    assert outcome.error is not None and outcome.error.startswith("scan.txt: cannot spill")
    assert not (tmp_path / "out").exists()


def test_the_filter_gives_what_run_writes(tmp_path: Path) -> None:
    text = _pages(seed=9)
    cleaned, log = _run(text, tmp_path, "0.004")
    code, stdout, _ = invoke(
        "clean",
        str(tmp_path / "scan.txt"),
        "--log",
        str(tmp_path / "log.jsonl"),
        "--set",
        "pipeline.section_mb=0.004",
    )
    assert code == 0 and stdout == cleaned
    assert (tmp_path / "log.jsonl").read_text(encoding="utf-8") == log


def test_one_large_file_in_worker_processes_gets_the_outputs_of_one_process(tmp_path: Path) -> None:
    # Repeated paragraphs give the same change in many sections: their ids are numbered in the whole file.
    text = _pages(seed=11) + "\n\nHe said losif Stalin would come.\n" * 30
    source = tmp_path / "scan.txt"
    source.write_text(text, encoding="utf-8")
    settings = Settings(overrides=("pipeline.section_mb=0.004",))
    outputs = []
    for jobs in (1, 2):
        out = tmp_path / f"out-{jobs}"
        (outcome,) = clean_files([source], out, settings, jobs=jobs)
        assert outcome.error is None and outcome.changes_by_stage["ocr"] >= 30
        outputs.append([(out / name).read_bytes() for name in ("scan.txt", "scan.changes.jsonl")])
    assert outputs[0] == outputs[1]
    assert b'-30", "stage": "ocr"' in outputs[0][1]


def test_a_decision_names_a_change_by_its_id_in_the_whole_file(tmp_path: Path) -> None:
    text = "He said losif Stalin would come.\n\n" * 12
    small = ("pipeline.section_mb=0.0001",)
    first = clean_text(text, Settings(overrides=small))
    ids = [change.id for change in first.changes if change.before == "losif"]
    rejected = Settings(overrides=small, decisions=((ids[4], False),))
    again = [change for change in clean_text(text, rejected).changes if change.before == "losif"]
    assert [change.id for change in again] == ids
    assert [change.applied for change in again] == [index != 4 for index in range(12)]


def test_a_bad_section_size_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "scan.txt").write_text("Some text.\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = invoke("run", str(tmp_path), "-o", str(out), "--set", "pipeline.section_mb=-1")
    assert code == 1 and "rules/pipeline.toml: 'section_mb' must be at least 0, not -1" in err
    assert not out.exists()
