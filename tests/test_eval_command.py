"""`scanclean eval` end to end on a tiny folder pair, with a stand-in stage whose changes we know."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.settings import Settings
from pipeline.stages import STAGES
from tests.conftest import invoke, shared_path

RAW = "tbe king was\nvery glad hereof.\n"
GOLD = "the king was very\nglad hereof.\n"


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    for folder, text in (("raw", RAW), ("gold", GOLD)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "letter.txt").write_text(text, encoding="utf-8")
    return tmp_path / "raw", tmp_path / "gold"


def word_fixing_stage(document: Document, settings: Settings) -> list[Edit]:
    """Stands in for the ocr stage: one right fix, one wrong one, one layout change, one suggestion."""
    text = document.text
    return [
        Edit(text.index("tbe"), text.index("tbe") + 3, "the", "b-for-h"),
        Edit(text.index("\n"), text.index("\n") + 1, " ", "join-line"),
        Edit(text.index("glad"), text.index("glad") + 4, "giad", "l-for-i"),
        Edit(text.index("hereof"), text.index("hereof") + 6, "herof", "drop-e", applied=False),
    ]


def test_scores_raw_and_cleaned_against_gold_with_whitespace_as_layout(pair: tuple[Path, Path]) -> None:
    code, out, err = invoke("eval", *map(str, pair), "--json")
    assert code == 0, err
    report = json.loads(out)
    # 'tbe' for 'the' is the only error: the line break in another place is layout.
    assert report["total"]["raw"]["cer"] == {"rate": 1 / 30, "errors": 1, "length": 30}
    assert report["total"]["raw"]["wer"]["errors"] == 1
    assert report["total"]["cleaned"]["cer"]["errors"] == 0  # the ocr stage repairs 'tbe' (issue 7)
    code, out, _ = invoke("eval", *map(str, pair), "--json", "--layout")
    assert json.loads(out)["total"]["raw"]["cer"]["errors"] == 3  # and the two line breaks


def test_per_stage_gain_change_verdicts_and_do_no_harm(
    pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(STAGES, "ocr", word_fixing_stage)
    code, out, err = invoke("eval", *map(str, pair), "--json", "--errors", "5")
    assert code == 0, err
    report = json.loads(out)
    assert report["total"]["cleaned"]["cer"]["errors"] == 1  # 'tbe' fixed, 'glad' broken
    ocr = report["stages"]["ocr"]
    assert ocr["applied"] == {
        "right": 1,
        "wrong": 1,
        "neutral": 0,
        "layout": 1,
        "judged": 2,
        "share_right": 0.5,
    }
    assert ocr["suggested"]["wrong"] == 1
    assert ocr["gain"] == 0.0 and ocr["worse_in"] == []  # one error fixed, one made
    assert report["confusions"] == [{"gold": "l", "cleaned": "i", "count": 1}]

    code, out, _ = invoke("eval", *map(str, pair))
    assert "ocr" in out and "share right" in out


def test_changes_are_judged_rule_by_rule_too(
    pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(STAGES, "ocr", word_fixing_stage)
    report = json.loads(invoke("eval", *map(str, pair), "--json", "--no-ablation")[1])
    rules = report["rules"]
    assert rules["ocr/b-for-h"]["applied"]["right"] == 1
    assert rules["ocr/l-for-i"]["applied"]["wrong"] == 1
    assert rules["ocr/join-line"]["applied"]["layout"] == 1
    assert rules["ocr/drop-e"]["suggested"]["wrong"] == 1 and rules["ocr/drop-e"]["applied"]["judged"] == 0
    # The stage's counts are its rules' counts added up.
    assert report["stages"]["ocr"]["applied"]["judged"] == sum(r["applied"]["judged"] for r in rules.values())

    code, out, _ = invoke("eval", *map(str, pair), "--no-ablation", "--by-rule")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("ocr/l-for-i"))
    assert row.split()[1:4] == ["1", "0", "1"]  # one change, none right, one wrong
    assert "ocr/l-for-i" not in invoke("eval", *map(str, pair), "--no-ablation")[1]


def test_a_stage_that_only_does_harm_is_named(
    pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def breaking_stage(document: Document, settings: Settings) -> list[Edit]:
        start = document.text.index("king")
        return [Edit(start, start + 4, "kmg", "in-for-m")]

    monkeypatch.setitem(STAGES, "typography", breaking_stage)
    code, out, _ = invoke("eval", *map(str, pair), "--skip", "ocr")
    assert code == 0
    assert "do no harm: typography made 1 document worse: letter" in out
    assert "ocr" not in out.split("stage")[1]  # a skipped stage is not reported


def test_bad_arguments_are_one_clear_line(pair: tuple[Path, Path], tmp_path: Path) -> None:
    code, _, err = invoke("eval", str(pair[0]))
    assert (code, err.strip()) == (1, "scanclean: give both RAW and GOLD folders")
    code, _, err = invoke("eval")
    assert code == 1 and "nothing to evaluate" in err
    code, _, err = invoke("eval", str(pair[0]), str(tmp_path / "elsewhere"))
    assert code == 1 and "no gold for letter.txt" in err
    code, _, err = invoke("eval", "--dataset", "bln600", "--data-dir", str(tmp_path))
    assert code == 1 and "data set not found" in err


def test_eval_on_a_shared_set_reports_the_peer_alongside() -> None:
    data_dir = shared_path("eval", "overproof-smh").parent
    code, out, err = invoke(
        "eval", "--dataset", "overproof-smh", "--data-dir", str(data_dir), "--no-ablation", "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["documents"] == 159
    assert report["total"]["peer"]["cer"]["rate"] < report["total"]["raw"]["cer"]["rate"]


def test_worker_processes_give_the_same_report(pair: tuple[Path, Path]) -> None:
    raw, gold = pair
    (raw / "second.txt").write_text("Iosif Sta1in\n", encoding="utf-8")
    (gold / "second.txt").write_text("Iosif Stalin\n", encoding="utf-8")
    one = invoke("eval", str(raw), str(gold), "--json")[1]
    two = invoke("eval", str(raw), str(gold), "--json", "-j", "2")[1]
    assert json.loads(one) == json.loads(two)
    assert [item["name"] for item in json.loads(two)["files"]] == ["letter", "second"]
