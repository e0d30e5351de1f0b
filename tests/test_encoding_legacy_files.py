"""Legacy-encoded scans through `scanclean run`: Russian in cp1251, koi8-r and mac-cyrillic, English in
cp1252, each comes out as the text it was written from, and the log header says how it was read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import SAMPLE

# Real Russian: archival headings and prose (a translation of the sample scan's opening), with ASCII
# quotes as KOI8-R files have them (it has no « »).
RUSSIAN = """ЦЕНТРАЛЬНЫЙ КОМИТЕТ ВКП(б)
Совершенно секретно

Шифром
Тов. Кагановичу, Молотову.

"Правда" провалилась со своими статьями о процессе зиновьевцев и троцкистов.
"Правда" не сумела дать ни одной статьи, которая марксистски объясняла бы процесс
падения этих подонков, их общественно-политическое лицо и их действительную платформу.
Всё свела к личному моменту, к тому, что есть злые люди, желающие захватить власть,
и есть люди добрые, власть имеющие, и этой мелкотравчатой кашей накормила публику.

Сталин
6 сентября 1936 года
"""

ENGLISH_EXTRA = "“Pravda” fell flat — the Zinovievites’ and Trotskyites’ so-called platform, naïvely.\n"


def _english() -> str:
    return "".join(SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:40]) + ENGLISH_EXTRA


def _run(raw: Path, out: Path, *options: str) -> None:
    result = CliRunner().invoke(main, ["run", str(raw), "-o", str(out), "--force", *options])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("language", "encoding"),
    [("russian", "cp1251"), ("russian", "koi8-r"), ("russian", "mac-cyrillic"), ("english", "cp1252")],
)
def test_a_legacy_encoded_scan_comes_back_as_written(tmp_path: Path, language: str, encoding: str) -> None:
    text = RUSSIAN if language == "russian" else _english()
    raw, legacy_out, utf8_out = tmp_path / "raw", tmp_path / "legacy", tmp_path / "utf8"
    raw.mkdir()
    (raw / "scan.txt").write_bytes(text.encode(encoding))
    (tmp_path / "scan.txt").write_bytes(text.encode("utf-8"))

    # The decoding stages alone give back exactly the text that was written.
    _run(raw, legacy_out, "--only", "input,encoding")
    assert (legacy_out / "scan.txt").read_text(encoding="utf-8") == text
    header = json.loads((legacy_out / "scan.changes.jsonl").read_text(encoding="utf-8").partition("\n")[0])
    assert header["decoding"]["encoding"] == encoding
    assert header["decoding"]["method"] == "detected"
    assert header["decoding"]["confidence"] >= 0.9

    # The whole pipeline treats the legacy file exactly as it treats the same text in UTF-8.
    _run(raw, legacy_out)
    _run(tmp_path / "scan.txt", utf8_out)
    assert (legacy_out / "scan.txt").read_bytes() == (utf8_out / "scan.txt").read_bytes()
