"""The loaders read the shared real sets (skipped when ../shared is absent) and our own folder pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.eval.datasets import (
    EvalDataError,
    load_dataset,
    load_folders,
    load_manifest,
)
from pipeline.eval.metrics import ErrorRate, character_error_rate
from tests.conftest import shared_path


def test_overproof_articles_have_raw_gold_and_the_peers_correction() -> None:
    documents = load_dataset("overproof-smh", shared_path("eval", "overproof-smh").parent)
    assert len(documents) == 159
    first = documents[0]
    assert first.name == "overproof-12414000"
    assert first.raw.splitlines()[1] == "AT eleven o'clock on Wednesday the 14th"
    assert first.gold.splitlines()[2] == "of June, the following portions of Crown Land"
    assert first.peer is not None and first.peer.count("\n") == first.raw.count("\n")
    # The peer corrects: its CER is below the raw OCR's on the whole set.
    raw = ErrorRate.total(character_error_rate(d.gold, d.raw) for d in documents)
    peer = ErrorRate.total(character_error_rate(d.gold, d.peer or "") for d in documents)
    assert peer.rate < raw.rate


def test_icdar_marks_ocr_without_ground_truth_as_unjudged() -> None:
    documents = load_dataset("icdar2017-en", shared_path("eval", "icdar2017-en").parent)
    assert len(documents) == 89
    first = next(d for d in documents if d.name == "eng_monograph/1")
    assert first.raw.startswith("OF FRYER BACON. 221 the matter")
    start, end = first.unjudged[0]
    assert first.raw[start:end] == "OF FRYER BACON. 221 the"  # running header, page number, a cut word
    assert first.gold.startswith(" matter the king was")
    assert "@" not in first.gold and "#" not in first.gold


def test_bln600_sentences_group_into_one_document_per_sample() -> None:
    documents = load_dataset("bln600", shared_path("eval", "bln600").parent)
    assert len(documents) == 480
    first = documents[0]
    assert first.raw.startswith("__RO BBERY AT A BARONET'S.\n")
    assert first.gold.startswith("ROBBERY AT A BARONETS.\n")
    assert first.raw.count("\n") == first.gold.count("\n")


def test_unknown_or_missing_data_set_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EvalDataError, match="unknown data set 'nope'"):
        load_dataset("nope", tmp_path)
    with pytest.raises(EvalDataError, match="data set not found"):
        load_dataset("bln600", tmp_path)


def test_folder_pairs_and_manifest(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("tbe king", encoding="utf-8")
    (tmp_path / "gold" / "a.txt").write_text("the king", encoding="utf-8")
    [document] = load_folders(tmp_path / "raw", tmp_path / "gold")
    assert (document.name, document.raw, document.gold) == ("a", "tbe king", "the king")
    manifest = tmp_path / "pairs.tsv"
    manifest.write_text("# raw\tgold\nraw/a.txt\tgold/a.txt\n", encoding="utf-8")
    assert load_manifest(manifest) == [document]
    (tmp_path / "raw" / "b.txt").write_text("x", encoding="utf-8")
    with pytest.raises(EvalDataError, match=r"no gold for b\.txt"):
        load_folders(tmp_path / "raw", tmp_path / "gold")
