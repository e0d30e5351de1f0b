"""The furniture stage on generated pages: real text typeset in several layouts, scored against the truth.

The same figures, per layout, come from ``python bench/furniture_accuracy.py``.
"""

from __future__ import annotations

import pytest

import pipeline
from tests.conftest import SAMPLE, shared_path
from tests.pagegen import (
    BODY,
    FURNITURE,
    LAYOUTS,
    FurnitureScore,
    generate,
    overproof_paragraphs,
    sample_paragraphs,
    score_furniture,
)

PAGES_PER_LAYOUT = 50  # 7 layouts: 350 pages


def paragraphs_of(source: str) -> list[str]:
    if source == "overproof":
        path = shared_path("eval", "overproof-smh", "allArticles.txt")
        return list(overproof_paragraphs(path.read_text(encoding="utf-8")))
    return list(sample_paragraphs(SAMPLE.read_text(encoding="utf-8")))


@pytest.mark.parametrize("source", ["sample", "overproof"])
def test_furniture_is_found_and_no_body_line_is_lost(source: str) -> None:
    paragraphs = paragraphs_of(source)
    total = FurnitureScore(0, 0, 0, 0, 0, 0)
    for number, layout in enumerate(LAYOUTS):
        generated = generate(layout, PAGES_PER_LAYOUT, seed=100 + number, paragraphs=paragraphs)
        score = score_furniture(generated, pipeline.clean(generated.text, only=("furniture",)))
        assert score.body_removed == 0, layout.name
        assert score.breaks_written == score.breaks, layout.name
        total += score
    assert total.furniture > 600
    assert total.precision >= 0.99
    assert total.recall >= 0.97


def test_the_generator_is_seeded_and_labels_every_line() -> None:
    paragraphs = paragraphs_of("sample")
    first = generate(LAYOUTS[0], 12, seed=7, paragraphs=paragraphs)
    assert first == generate(LAYOUTS[0], 12, seed=7, paragraphs=paragraphs)
    assert len(first.kinds) == first.text.count("\n")
    assert first.kinds.count(BODY) > 10 * first.kinds.count(FURNITURE) > 0


def test_headers_can_be_kept() -> None:
    generated = generate(LAYOUTS[1], 20, seed=3, paragraphs=paragraphs_of("sample"))
    result = pipeline.clean(
        generated.text,
        only=("furniture",),
        overrides=("furniture.running_headers=false", "furniture.running_footers=false"),
    )
    rules = {change.rule for change in result.changes if change.stage == "furniture"}
    assert "furniture/page-number" in rules
    assert not rules & {"furniture/running-header", "furniture/running-footer"}
