"""Reflow measured on real text typeset into pages (tests/typeset.py); the full run is
``python bench/reflow_accuracy.py`` and its figures are in the README."""

from __future__ import annotations

import pytest

import pipeline
from pipeline.eval.datasets import load_dataset
from tests.conftest import shared_path
from tests.typeset import (
    Layout,
    Tally,
    bln600_articles,
    measure,
    paragraphs_from_articles,
    sample_paragraphs,
    typeset,
)

LAYOUTS = (Layout(60, "blank", 38), Layout(80, "indent", 42))


def _overall(tallies: dict[Layout, Tally]) -> Tally:
    overall = Tally()
    for tally in tallies.values():
        for kind, total in tally.total.items():
            overall.total[kind] = overall.total.get(kind, 0) + total
            overall.right[kind] = overall.right.get(kind, 0) + tally.right[kind]
        overall.errors.extend(tally.errors)
    return overall


def _assert_thresholds(tally: Tally) -> None:
    errors = [error for error in tally.errors if error][:20]
    assert tally.share("syllable", "compound") >= 0.98, errors
    assert tally.share("space", "dash") >= 0.99, errors
    assert tally.share("paragraph") >= 0.97, errors


def test_reflow_on_typeset_newspaper_text() -> None:
    articles = bln600_articles(shared_path("eval", "bln600", "train.csv"))[::6]
    tally = _overall(measure(paragraphs_from_articles(articles, seed=5), LAYOUTS))
    assert tally.count("syllable", "compound") > 500
    _assert_thresholds(tally)


def test_reflow_on_the_typeset_sample() -> None:
    tally = _overall(measure(sample_paragraphs(), LAYOUTS))
    assert tally.count("paragraph") >= 15
    _assert_thresholds(tally)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_typesetter_keeps_the_truth(layout: Layout) -> None:
    """Joining each break as the truth says gives back the source, so the truth is the source's."""
    paragraphs = sample_paragraphs()
    typeset_text = typeset(paragraphs, layout)
    assert "\f" in typeset_text.text
    assert len(typeset_text.text.split("\n")) > len(paragraphs) * 3
    assert any(item.kind == "syllable" for item in typeset_text.breaks)


def test_reflow_on_its_own_output_of_real_scans_changes_nothing() -> None:
    """BLN600's first 60 scans through the stages up to reflow, twice: the second run changes nothing.
    Read only once (``reflow.readings=1``), reflow joined lines again in 4 of them: the joins and blank
    lines it had made changed the widths and blocks of lines it measures."""
    stages = ("input", "encoding", "furniture", "script", "reflow")
    data = shared_path("eval", "bln600").parent
    for document in load_dataset("bln600", data)[:60]:
        once = pipeline.clean(document.raw, only=stages).text
        again = pipeline.clean(once, only=stages)
        assert [change.rule for change in again.changes if change.applied] == [], document.name
