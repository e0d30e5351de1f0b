"""Invariants of the reflow stage on generated scans, and the --wrap option."""

from __future__ import annotations

import re
from collections import Counter

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.cli import main
from pipeline.stages.reflow import DocumentSpellings
from tests.typeset import Layout, sample_paragraphs, typeset

WORDS = st.sampled_from(
    [
        "the",
        "party",
        "Stalin",
        "Stalin.",
        "of",
        "degra-",
        "dation",
        "co-",
        "conspirators",
        "USSR,",
        "—",
        "1.",
        "May",
        "22,",
        "2007",
        "TO",
        "THE",
        "low-",
        "lying",
        "and",
        "in",
        "\u00ad",
    ]
)
LINE = st.lists(WORDS, min_size=1, max_size=14).map(" ".join)
BREAK = st.sampled_from(["\n", "\n", "\n", "\n\n", "\n\f\n", "\n\n\n\n", "\n    "])
SCAN = st.lists(st.tuples(LINE, BREAK), min_size=1, max_size=30).map(
    lambda pairs: "".join(line + brk for line, brk in pairs)
)
_DROPPED = re.compile("[\\s\\-\u00ad\f]")


@settings(max_examples=80, deadline=None)
@given(SCAN)
def test_reflow_changes_only_line_breaks_and_hyphens(raw: str) -> None:
    once = pipeline.clean(raw, only=("reflow",)).text
    assert _DROPPED.sub("", once) == _DROPPED.sub("", raw)
    assert "\f" not in once
    assert "\n\n\n" not in once


@settings(max_examples=150, deadline=None)
@given(SCAN.filter(lambda scan: "- " not in scan))
def test_reflow_of_any_mix_of_lines_is_idempotent(raw: str) -> None:
    """Cleaning reflowed text again changes nothing, whatever the lines (blocks of capitals, list items,
    dates, form feeds). Words broken inside a line are left out: a chain of them (``degra- degra-
    degra-``) is joined one link a reading, and there are at most ``readings``. What reading again
    fixed on real scans is checked in ``test_reflow_accuracy.py``."""
    once = pipeline.clean(raw, only=("reflow",)).text
    assert pipeline.clean(once, only=("reflow",)).text == once


LAYOUT = st.builds(Layout, st.integers(40, 100), st.sampled_from(["blank", "indent"]), st.integers(20, 50))


@settings(max_examples=40, deadline=None)
@given(LAYOUT, st.integers(0, 30), st.integers(1, 12))
def test_reflow_of_typeset_text_is_idempotent(layout: Layout, first: int, count: int) -> None:
    """Cleaning reflowed text again changes nothing (real paragraphs of the sample, any layout)."""
    paragraphs = sample_paragraphs()[first : first + count] or sample_paragraphs()[:1]
    once = pipeline.clean(typeset(paragraphs, layout).text, only=("reflow",)).text
    assert pipeline.clean(once, only=("reflow",)).text == once


def test_wrap_option_is_the_reflow_wrap_rule() -> None:
    raw = (
        "Pravda fell flat on its face with its articles about the trial of the Zinovievites and\n"
        "Trotskyites. Pravda failed to produce a single article that provided a Marxist\n"
        "explanation of the process of degradation of these scum, their sociopolitical\n"
        "complexion, and their real platform. It reduced everything to the personal\n"
        "element, to the notion that there are evil people who want to seize power and\n"
        "there are good people who hold power, and fed this paltry mush to the public.\n"
    )
    runner = CliRunner()
    wrapped = runner.invoke(main, ["clean", "--only", "reflow", "--wrap", "50", "-"], input=raw)
    by_rule = runner.invoke(main, ["clean", "--only", "reflow", "--set", "reflow.wrap=50", "-"], input=raw)
    assert wrapped.exit_code == 0, wrapped.output
    assert wrapped.output == by_rule.output
    lines = wrapped.output.splitlines()
    assert len(lines) > 6 and all(len(line) <= 50 for line in lines)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab- \n1²ÉéИ\u0301ǅ_'"), max_size=40))
def test_a_hyphenated_word_is_the_letters_either_side_of_a_hyphen(text: str) -> None:
    """The document's hyphenated forms (one regex over the text) are, for each hyphen with a letter
    either side, the runs of letters (``str.isalpha``) that touch it, lower-cased."""
    lower = text.lower()
    expected: Counter[str] = Counter()
    for hyphen in (index for index, char in enumerate(lower) if char == "-"):
        left, right = hyphen, hyphen + 1
        while left and lower[left - 1].isalpha():
            left -= 1
        while right < len(lower) and lower[right].isalpha():
            right += 1
        if left < hyphen < right - 1:
            expected[lower[left:right]] += 1
    spellings = DocumentSpellings(text, 0)
    assert {form: spellings.hyphenated(form) for form in expected} == dict(expected)
    assert spellings.hyphenated("a-b") == expected["a-b"]
