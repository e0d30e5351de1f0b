"""ftfy's own test cases (``../shared/peer-tests/ftfy``): what mojibake repair must and must not do.

- Every ``negative.json`` case (text that looks like mojibake but is right) comes through the whole
  pipeline unchanged, but for the final newline the core adds, the typography stage's house style
  (curly apostrophes, ``-`` between words as an em dash, runs of spaces) and the script stage's mending of
  a word that mixes scripts (``SENSЕ`` with a Cyrillic ``Е``, which an archive wants in one script):
  no stage repairs any of them as mojibake.
- Every ``expect: pass`` case of ``in-the-wild.json`` and ``synthetic.json`` comes out of the input and
  encoding stages as ftfy's ``fixed-encoding`` (else ``fixed``) text, quotes aside (straightened on both
  sides: quotes are the typography stage's). The expected text is taken through the input stage's own
  fixes as well, which ftfy's encoding repair does not make (a control character removed, a full-width
  comma narrowed): the input stage runs first, and the encoding stage applies them to its repairs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from ftfy.fixes import uncurl_quotes

import pipeline
from pipeline.api import final_newline
from pipeline.core.characters import CharacterFixes
from pipeline.core.document import Document
from pipeline.core.edits import splice
from pipeline.core.settings import Settings
from pipeline.stages import STAGES
from tests.conftest import shared_path


def _cases(name: str) -> list[dict[str, Any]]:
    return json.loads(shared_path("peer-tests", "ftfy", name).read_text(encoding="utf-8"))


def _input_and_encoding(text: str) -> str:
    settings = Settings(only=("input", "encoding"))
    document = Document(text)
    for stage in settings.stages():
        document.apply(stage, STAGES[stage](document, settings))
    return document.text


def test_negative_cases_pass_the_whole_pipeline_unchanged() -> None:
    cases = _cases("negative.json")
    changed = []
    for case in cases:
        original = case["original"]
        ending = final_newline(original)
        expected = splice(original, [(ending.start, ending.end, ending.replacement)])
        result = pipeline.clean(original)
        allowed = {
            "typography/apostrophe",
            "typography/em-dash",
            "typography/collapse-spaces",
            "script/mixed-script",
        }
        if {c.rule for c in result.changes if c.applied and c.stage != "output"} - allowed:
            changed.append(case["label"])
        if pipeline.clean(original, skip=("typography", "script")).text != expected:
            changed.append(case["label"])
    assert not changed, f"{len(changed)} of {len(cases)} negative cases changed: {changed}"


@pytest.mark.parametrize("name", ["in-the-wild.json", "synthetic.json"])
def test_expected_repairs_come_out_of_the_encoding_stage(name: str) -> None:
    cases = [case for case in _cases(name) if case["expect"] == "pass"]
    normalise = CharacterFixes().normalise
    failed = []
    for case in cases:
        expected = normalise(case.get("fixed-encoding", case["fixed"]))
        if uncurl_quotes(_input_and_encoding(case["original"])) != uncurl_quotes(expected):
            failed.append(case["label"])
    assert len(cases) > 20
    assert not failed, f"{len(failed)} of {len(cases)} cases not repaired as ftfy expects: {failed}"
