"""The document's own words as evidence: a candidate the text writes again and again is likelier in it, and
the change log says so, so that a reviewer sees why a repair was made."""

from __future__ import annotations

import pipeline
from pipeline.core.edits import Change

LAND_SALES = (
    "Lot 1, 40 acres at Bong Bong. Lot 2, 20 acres near the creek. Lot 3, 60 acies at Dapto. "
    "Lot 4, 10 acres, same place. Lot 5, 5 acres by the road.\n"
)


def repair_of(word: str, *overrides: str) -> Change:
    result = pipeline.clean(LAND_SALES, only=("ocr",), overrides=overrides)
    (change,) = [change for change in result.changes if change.before == word]
    return change


def test_the_repairs_note_names_the_documents_use_of_its_candidate() -> None:
    change = repair_of("acies")
    assert change.applied and change.after == "acres"
    assert change.note.endswith("; the document writes acres 4 times")


def test_without_the_candidates_use_the_note_is_silent_and_the_repair_only_suggested() -> None:
    change = repair_of("acies", "ocr.candidate_use_weight=0")
    assert not change.applied and change.after == "acres"
    assert "the document writes" not in change.note
