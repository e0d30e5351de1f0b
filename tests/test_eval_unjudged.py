"""OCR without ground truth (ICDAR's `#` spans) counts neither for nor against the pipeline."""

from __future__ import annotations

import pytest

from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.settings import Settings
from pipeline.eval.datasets import EvalDocument
from pipeline.eval.evaluate import EvalOptions, evaluate_document
from pipeline.stages import STAGES

HEADER = "OF FRYER BACON. 221 "
DOCUMENT = EvalDocument(
    "page", HEADER + "the kiug was glad", "the king was glad", unjudged=((0, len(HEADER)),)
)


def test_unjudged_raw_spans_are_left_out_of_the_raw_score() -> None:
    result = evaluate_document(DOCUMENT, EvalOptions(ablate=False))
    assert (result.raw.cer.errors, result.raw.cer.length) == (1, 17)


def test_removing_or_keeping_an_unjudged_header_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def header_and_word_stage(document: Document, settings: Settings) -> list[Edit]:
        word = document.text.index("kiug")
        return [Edit(0, len(HEADER), "", "running-header"), Edit(word, word + 4, "king", "u-for-n")]

    monkeypatch.setitem(STAGES, "furniture", header_and_word_stage)
    monkeypatch.setitem(STAGES, "ocr", lambda document, settings: [])  # it would repair 'kiug' too
    result = evaluate_document(DOCUMENT, EvalOptions())
    assert result.cleaned.cer.errors == 0
    # The header removal is not judged (no ground truth there); the word fix is right.
    assert result.applied["furniture"].right == 1 and result.applied["furniture"].judged == 1
    assert result.gain("furniture") == pytest.approx(1 / 17)
