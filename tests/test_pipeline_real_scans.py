"""The whole pipeline on its own output of real scans changes nothing (do no harm, run twice)."""

from __future__ import annotations

import pipeline
from pipeline.eval.datasets import load_dataset
from tests.conftest import shared_path


def test_cleaning_real_newspaper_scans_twice_changes_nothing() -> None:
    """OverProof's 159 articles through every stage, then through every stage again: nothing is applied
    the second time. With `reflow` reading once (``reflow.readings=1``) one article changed. On BLN600 2
    of 480 samples still change: `ocr` repaired a line's last word into a function word (`tith` to
    `with`), and `reflow`, which runs before it, joins that line on the second run."""
    data = shared_path("eval", "overproof-smh").parent
    for document in load_dataset("overproof-smh", data):
        once = pipeline.clean(document.raw)
        again = pipeline.clean(once.text)
        assert [change.rule for change in again.changes if change.applied] == [], document.name
