"""Stage `script`: the sample scan's poster captions, the command on a file of captions, properties."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.cli import main
from pipeline.core import changelog
from pipeline.core.errors import RulesError
from pipeline.stages.script import restorer
from tests.conftest import SAMPLE

FIRST_CAPTION = ("ПЕРВЫЙ КАНДИДАТ В ДЕПУТАТЫ", "ВЕРХОВНОГО СОВЕТА РСФСР")
SECOND_CAPTION = ["ПЕРВЫЙ", "КАНДИДАТ", "В", "ДЕПУТАТЫ", "ВЕРХОВНОГО", "СОВЕТА", "РСФСР"]
CYRILLIC = regex.compile(r"\p{Cyrillic}")


@pytest.fixture(scope="module")
def sample() -> tuple[list[str], list[str]]:
    raw = SAMPLE.read_text(encoding="utf-8")
    cleaned = pipeline.clean(raw, only=("script",)).text
    return raw.split("\n"), cleaned.rstrip("\n").split("\n")


def test_sample_first_caption_is_restored_exactly(sample: tuple[list[str], list[str]]) -> None:
    raw, cleaned = sample
    first = raw.index(" NEPBLIH KANAMUAY B QENYTATH")
    assert (cleaned[first].strip(), cleaned[first + 1]) == FIRST_CAPTION


def test_sample_second_caption_has_at_least_five_of_seven_words_right(
    sample: tuple[list[str], list[str]],
) -> None:
    raw, cleaned = sample
    second = raw.index("NEPEMIA KANAHAAT B AXIYTATHI")
    words = f"{cleaned[second]} {cleaned[second + 1]}".split()
    assert sum(got == want for got, want in zip(words, SECOND_CAPTION, strict=True)) >= 5


def test_no_other_line_of_the_sample_changes(sample: tuple[list[str], list[str]]) -> None:
    raw, cleaned = sample
    captions = {raw.index(" NEPBLIH KANAMUAY B QENYTATH"), raw.index("NEPEMIA KANAHAAT B AXIYTATHI")}
    caption_lines = {n + offset for n in captions for offset in (0, 1)}
    changed = {n for n, (before, after) in enumerate(zip(raw, cleaned, strict=False)) if before != after}
    assert changed == caption_lines
    assert not any(CYRILLIC.search(line) for n, line in enumerate(cleaned) if n not in caption_lines)


def test_clean_only_script_on_a_file_of_captions(tmp_path: Path) -> None:
    captions = tmp_path / "captions.txt"
    captions.write_text(
        "BEPXOBHOIO COBETA PCOCP\nCCCP\nTO THE SECRETARIES OF OBLAST AND REGIONAL PARTY COMMITTEES\nNKVD\n",
        encoding="utf-8",
    )
    log = tmp_path / "captions.changes.jsonl"
    result = CliRunner().invoke(main, ["clean", "--only", "script", "--log", str(log), str(captions)])
    assert result.exit_code == 0, result.output
    assert result.output.split("\n")[:4] == [
        "ВЕРХОВНОГО СОВЕТА РСФСР",
        "СССР",
        "TO THE SECRETARIES OF OBLAST AND REGIONAL PARTY COMMITTEES",
        "NKVD",
    ]
    _, changes = changelog.parse(log.read_text(encoding="utf-8"))
    assert {change.rule for change in changes if change.stage == "script"} == {"script/latin-lookalike"}
    assert all(0 < change.confidence <= 1 for change in changes)


def test_a_bad_transliteration_setting_is_a_clear_error() -> None:
    with pytest.raises(RulesError, match="transliteration"):
        pipeline.clean("COBETA\n", only=("script",), overrides=("script.transliteration=klingon",))


def test_transliteration_keeps_the_words_case() -> None:
    script = restorer()
    assert [script.transliterate(word) for word in ("ЁЖ", "Щука", "объявление")] == [
        "YËZH",
        "Shchuka",
        "ob”yavleniye",
    ]


# Lines made of garbled captions, English capitals, acronyms and plain prose, in any order.
PIECES = [
    "BEPXOBHOIO COBETA",
    "NEPBLIH KANAMUAY",
    "TO THE SECRETARIES",
    "NKVD USSR",
    "PRAVDA",
    "plain prose, as most of a scan is.",
    "Соmmunist Мocква",
    "ПЕРВЫЙ КАНДИДАТ",
]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5), st.sampled_from(["\n", " ", "\n\n"]))
def test_restorable_and_idempotent(pieces: list[str], separator: str) -> None:
    raw = separator.join(pieces) + "\n"
    result = pipeline.clean(raw, only=("script",))
    assert changelog.restore(result.text, result.changes) == raw
    assert pipeline.clean(result.text, only=("script",)).text == result.text


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,.\n", max_size=200))
def test_lowercase_latin_text_is_never_touched(text: str) -> None:
    changes = pipeline.clean(text, only=("script",)).changes
    assert not [change for change in changes if change.stage == "script"]
