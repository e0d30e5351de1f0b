"""Stage `script` on the test set: garbled Russian captions restored, English capitals left alone.

The figures for the whole set come from ``python bench/script_accuracy.py``; this test measures every
fourth Russian line (to stay quick) and every English line, and holds the stage to its floors.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import REPO

# Floors below the figures the README reports for the whole set, allowing for the smaller sample.
MIN_WORD_ACCURACY_LOOKALIKES = 0.88
MIN_WORD_ACCURACY_NOISY = 0.8
MAX_WRONGLY_RESTORED = 0.1


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("script_accuracy", REPO / "bench" / "script_accuracy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    return _bench().measure(every=4)


def test_the_test_set_is_large_enough() -> None:
    bench = _bench()
    assert len(bench.read_lines(bench.DATA / "russian_captions.txt")) >= 200
    assert len(bench.read_lines(bench.DATA / "english_capitals.txt")) >= 200


def test_garbled_captions_are_restored(figures: dict[str, Any]) -> None:
    assert figures["lookalikes"]["word_accuracy"] >= MIN_WORD_ACCURACY_LOOKALIKES
    assert figures["noisy"]["word_accuracy"] >= MIN_WORD_ACCURACY_NOISY
    assert figures["noisy"]["wrongly_restored"] <= MAX_WRONGLY_RESTORED


def test_no_english_line_is_converted(figures: dict[str, Any]) -> None:
    assert figures["changed_english"] == []
