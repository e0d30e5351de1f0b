"""The `scanclean` command as a user meets it: outputs, restore, filters, and clear errors for bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE, invoke


def test_run_reproduces_the_committed_outputs_of_the_sample(tmp_path: Path) -> None:
    """Any change in behaviour shows up as a reviewed diff of cleaned/."""
    code, _, err = invoke("run", str(REPO / "raw"), "-o", str(tmp_path))
    assert code == 0, err
    for name in ("stalin-documents.txt", "stalin-documents.changes.jsonl"):
        assert (tmp_path / name).read_bytes() == (REPO / "cleaned" / name).read_bytes(), name


def test_restore_gives_back_the_raw_sample_byte_for_byte(tmp_path: Path) -> None:
    invoke("run", str(SAMPLE), "-o", str(tmp_path))
    code, out, _ = invoke(
        "restore", str(tmp_path / "stalin-documents.txt"), str(tmp_path / "stalin-documents.changes.jsonl")
    )
    assert code == 0
    assert out.encode("utf-8") == SAMPLE.read_bytes()


def test_clean_is_a_filter_and_writes_the_log_on_request(tmp_path: Path) -> None:
    code, out, _ = invoke("clean", "-", "--log", str(tmp_path / "log.jsonl"), input=b"Some text\n\n\n")
    assert (code, out) == (0, "Some text\n")
    assert '"rule": "output/final-newline"' in (tmp_path / "log.jsonl").read_text(encoding="utf-8")


def test_only_and_skip_take_stage_names_and_refuse_unknown_ones() -> None:
    assert invoke("clean", "-", "--only", "typography,ocr", input=b"x")[0] == 0
    code, _, err = invoke("clean", "-", "--skip", "spelling", input=b"x")
    assert code == 2 and "unknown stage 'spelling'" in err


def test_a_wrong_rule_override_is_one_clear_line() -> None:
    code, _, err = invoke("clean", "-", "--set", "nonsense", input=b"x")
    assert code == 1
    assert (
        err.strip()
        == "scanclean: --set 'nonsense': write it as FILE.KEY=VALUE, for example typography.style=straight"
    )


def _bad_inputs(folder: Path) -> dict[str, Path]:
    (folder / "scan.pdf.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary")
    (folder / "nul.txt").write_bytes(b"text\x00\x01\x02 more")
    (folder / "folder.txt").mkdir()
    (folder / "empty.txt").write_bytes(b"")
    return {
        "scan.pdf.txt": folder / "scan.pdf.txt",
        "nul.txt": folder / "nul.txt",
        "folder.txt": folder / "folder.txt",
        "empty.txt": folder / "empty.txt",
        "missing.txt": folder / "missing.txt",
    }


def test_bad_inputs_get_one_line_each_and_the_good_file_is_still_written(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(SAMPLE, raw / "good.txt")
    bad = _bad_inputs(raw)
    code, _, err = invoke("run", str(raw), str(bad["missing.txt"]), "-o", str(out))
    assert code == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    expected_reasons = {
        "scan.pdf.txt": "this is a PDF document, not text",
        "nul.txt": "binary data (NUL bytes",
        "folder.txt": "is a folder, not a text file",
        "empty.txt": "the file is empty",
        "missing.txt": "no such file",
    }
    for name, reason in expected_reasons.items():
        assert sum(name in line and reason in line for line in lines) == 1, (name, err)
    assert "1 file cleaned" in lines[-1] and "5 failed" in lines[-1]
    assert sorted(p.name for p in out.iterdir()) == ["good.changes.jsonl", "good.txt"]


def test_an_unreadable_file_is_reported_and_leaves_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root reads any file whatever its mode, so the refusal is simulated where the bytes are read.
    source = tmp_path / "locked.txt"
    source.write_text("text", encoding="utf-8")
    original = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    code, _, err = invoke("run", str(source), "-o", str(tmp_path / "out"))
    assert code == 1
    assert f"scanclean: {source}: permission denied; cannot read it" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_failed_write_leaves_no_partial_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    def fail_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", dst)

    monkeypatch.setattr(os, "replace", fail_replace)
    code, _, err = invoke("run", str(SAMPLE), "-o", str(tmp_path))
    assert code == 1 and "No space left on device" in err
    assert list(tmp_path.iterdir()) == []


def test_restore_refuses_a_log_that_belongs_to_another_text(tmp_path: Path) -> None:
    invoke("run", str(SAMPLE), "-o", str(tmp_path))
    other = tmp_path / "other.txt"
    other.write_text("something else\n", encoding="utf-8")
    code, _, err = invoke("restore", str(other), str(tmp_path / "stalin-documents.changes.jsonl"))
    assert code == 1 and "sha256 differs" in err


def _scans(folder: Path, count: int) -> Path:
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    for number in range(count):
        (folder / f"scan-{number:02}.txt").write_text(text[number * 300 :], encoding="utf-8")
    return folder


def test_parallel_runs_write_the_same_outputs_as_one_process(tmp_path: Path) -> None:
    raw = _scans(tmp_path / "raw", 6)
    assert invoke("run", str(raw), "-o", str(tmp_path / "one"))[0] == 0
    assert invoke("run", str(raw), "-o", str(tmp_path / "two"), "-j", "2")[0] == 0
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    two = {p.name: p.read_bytes() for p in (tmp_path / "two").iterdir()}
    assert one == two and len(one) == 12


def test_a_second_run_skips_files_whose_outputs_are_current(tmp_path: Path) -> None:
    raw = _scans(tmp_path / "raw", 3)
    out = tmp_path / "out"
    invoke("run", str(raw), "-o", str(out))
    (raw / "scan-01.txt").write_text("changed text\n", encoding="utf-8")
    _, _, err = invoke("run", str(raw), "-o", str(out))
    assert "1 file cleaned" in err and "2 up to date" in err
    _, _, err = invoke("run", str(raw), "-o", str(out), "--set", "pipeline.min_confidence=0.9")
    assert "3 files cleaned" in err
    _, _, err = invoke("run", str(raw), "-o", str(out), "--set", "pipeline.min_confidence=0.9", "--force")
    assert "3 files cleaned" in err and "0 up to date" in err
