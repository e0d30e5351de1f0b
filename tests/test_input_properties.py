"""Invariants of the input and encoding stages on arbitrary text: the output is normalised, a second
run changes nothing, the raw text is restored exactly, and the cheap mojibake check misses nothing."""

from __future__ import annotations

import re._parser
import unicodedata

from ftfy.badness import BADNESS_RE, is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.core import changelog
from pipeline.core.characters import CharacterFixes
from pipeline.core.document import Document
from pipeline.core.mojibake import BADNESS_REACH, SUSPICIOUS, looks_bad
from pipeline.core.settings import Settings
from pipeline.stages import STAGES

# Characters the stages act on, and their neighbours: letters, accents, line ends, controls, zero-width
# characters, soft hyphens, ligatures, full-width forms, Hangul jamo, mojibake characters.
TRICKY = (
    "aeEИи Ãâ€™Ð¡\r\n\f\t\x01\x07\x7f\x85\x9d\u200b\u200c\u200d\u2060\ufeff\xad\u0301\u0306\u0327"
    "ﬁﬂŉＡ１，　\u1100\u1161\u11a8\u212b\u2126Å̊ΆРСВГ×…’“”"
)
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=40) | st.text(max_size=40)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_input_output_is_normalised_and_stable(text: str) -> None:
    result = pipeline.clean(text, only=("input",))
    body = result.text
    assert unicodedata.is_normalized("NFC", body)
    assert "\r" not in body and "\u200b" not in body and "ﬁ" not in body
    assert CharacterFixes().edits(body) == []
    assert changelog.restore(result.text, result.changes) == text


def _input_and_encoding(text: str) -> Document:
    settings = Settings(only=("input", "encoding"))
    document = Document(text)
    for stage in settings.stages():
        document.apply(stage, STAGES[stage](document, settings))
    return document


@settings(max_examples=300, deadline=None)
@given(texts)
def test_input_and_encoding_are_idempotent_and_reversible(text: str) -> None:
    # The stages themselves, without the core's final newline: stripping trailing whitespace can change
    # what ftfy reads at the end of a line (``\x9bß\xa0``).
    document = _input_and_encoding(text)
    assert _input_and_encoding(document.text).text == document.text
    assert changelog.restore(document.text, document.changes) == text


badness_alphabet = sorted({char for char in BADNESS_RE.pattern if ord(char) > 0x7F} | set("aZ .,?!\n"))


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(badness_alphabet), max_size=12))
def test_the_cheap_check_flags_every_text_ftfy_calls_bad(text: str) -> None:
    if is_bad(text):
        assert SUSPICIOUS.search(text)


# Badness characters far apart in plain text: the windowed check must find what ftfy's whole-line one does.
spread_out = st.lists(
    st.sampled_from(badness_alphabet) | st.text(alphabet="ab ", min_size=1, max_size=12), max_size=30
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(badness_alphabet), max_size=12) | spread_out)
def test_the_windowed_check_is_ftfys(text: str) -> None:
    assert looks_bad(text) == is_bad(text)


def test_the_window_covers_the_longest_match_of_ftfys_check() -> None:
    _, longest = re._parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags).getwidth()
    assert longest < BADNESS_REACH
