"""Golden cases: every ``tests/cases/*.toml`` file is a list of raw text in, expected text and log out.

A case::

    [[case]]
    name = "what it shows"
    raw = "text as scanned"
    expected = "text as cleaned\\n"
    only = "typography"                  # optional: stages to run (comma-separated); skip works alike
    set = ["typography.style=straight"]  # optional: per-run rule overrides
    changes = [{ rule = "typography/pair-quotes", before = "”", after = "“" }]  # must be in the log
    exact_changes = true                 # optional: no applied change beyond those listed

Every case also checks that the raw text is restored exactly and that cleaning the output changes nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

import pipeline
from pipeline.core import changelog

CASES_DIR = Path(__file__).parent / "cases"


def _load_cases() -> list[Any]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        for case in tomllib.loads(path.read_text(encoding="utf-8"))["case"]:
            cases.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return cases


def _settings(case: dict[str, Any]) -> dict[str, Any]:
    def stages(key: str) -> tuple[str, ...]:
        return tuple(name for name in case.get(key, "").split(",") if name)

    return {"only": stages("only"), "skip": stages("skip"), "overrides": tuple(case.get("set", ()))}


@pytest.mark.parametrize("case", _load_cases())
def test_case(case: dict[str, Any]) -> None:
    result = pipeline.clean(case["raw"], **_settings(case))
    assert result.text == case["expected"]
    logged = [asdict(change) for change in result.changes]
    for expected in case.get("changes", []):
        assert any(expected.items() <= change.items() for change in logged), f"not in the log: {expected}"
    if case.get("exact_changes"):
        applied = [change for change in logged if change["applied"] and change["stage"] != "output"]
        assert len(applied) == len([c for c in case.get("changes", []) if c.get("applied", True)])
    assert changelog.restore(result.text, result.changes) == case["raw"]
    if case.get("idempotent", True):
        assert pipeline.clean(result.text, **_settings(case)).text == result.text
