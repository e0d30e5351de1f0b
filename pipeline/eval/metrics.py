"""Character and word error rates, as dinglehopper computes them.

Texts are put in NFC and cut into grapheme clusters (``regex``'s ``\\X``), so ``é`` written as ``e`` plus
a combining accent is one character, and the distance is rapidfuzz's Levenshtein distance over those
clusters (or over words). The rate is errors divided by the length of the reference (the gold).

Unless ``layout=True``, layout does not count: every run of whitespace is one space, the ends are
stripped, and a hyphen that splits a word at a line end (``Thorns-\\nhope``) is taken out, on both sides.
So joining lines into paragraphs, or keeping them, costs nothing; only the characters do.

Empty reference: the rate is 0 when the compared text is empty too, and infinite otherwise (any
character is an error and there is nothing to divide by), as in dinglehopper.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import regex

from pipeline.eval.align import differing_runs, distance

_GRAPHEME = regex.compile(r"\X")
# A word is a run of letters, marks and digits, with inner apostrophes or hyphens; any other mark that is
# not a space is a word of its own, so a lost comma is one word error, as in dinglehopper.
_WORD = regex.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]")
_SOFT_LINE_END_HYPHEN = regex.compile(r"(?<=\p{L})-[ \t]*\r?\n[ \t]*(?=\p{Ll})")
_WHITESPACE = regex.compile(r"\s+")


@dataclass(frozen=True)
class ErrorRate:
    """An error rate with what it was computed from: ``errors`` edits over ``length`` reference units.

    >>> ErrorRate.of(3, 100)
    ErrorRate(rate=0.03, errors=3, length=100)
    """

    rate: float
    errors: int
    length: int

    @classmethod
    def of(cls, errors: int, length: int) -> ErrorRate:
        """The rate for ``errors`` over a reference of ``length`` units; see the module on length 0."""
        if length == 0:
            return cls(0.0 if errors == 0 else math.inf, errors, 0)
        return cls(errors / length, errors, length)

    @classmethod
    def total(cls, rates: Iterable[ErrorRate]) -> ErrorRate:
        """The rate over several texts: all their errors over all their reference lengths.

        >>> ErrorRate.total([ErrorRate.of(1, 10), ErrorRate.of(0, 30)])
        ErrorRate(rate=0.025, errors=1, length=40)
        """
        rates = list(rates)
        return cls.of(sum(rate.errors for rate in rates), sum(rate.length for rate in rates))


def normalise(text: str, *, layout: bool = False) -> str:
    """NFC, and unless ``layout``, whitespace runs made one space and line-end word hyphens removed.

    >>> normalise("parish of Thorns-\\nhope,\\n  near  Mount")
    'parish of Thornshope, near Mount'
    >>> normalise("two\\n\\nlines", layout=True)
    'two\\n\\nlines'
    """
    text = unicodedata.normalize("NFC", text)
    if layout:
        return text
    text = _SOFT_LINE_END_HYPHEN.sub("", text)
    return _WHITESPACE.sub(" ", text).strip()


def graphemes(text: str) -> list[str]:
    """The grapheme clusters of a text (what a reader counts as characters).

    >>> len("Cafe\\u0301!"), len(graphemes("Cafe\\u0301!"))
    (6, 5)
    """
    return _GRAPHEME.findall(text)


def words(text: str) -> list[str]:
    """The words of a text; punctuation marks are words of their own.

    >>> words("the king's men, twenty-seven.")
    ['the', "king's", 'men', ',', 'twenty-seven', '.']
    """
    return _WORD.findall(text)


def character_error_rate(reference: str, compared: str, *, layout: bool = False) -> ErrorRate:
    """CER of ``compared`` against the gold ``reference``, over grapheme clusters after NFC.

    >>> character_error_rate("the king", "tbe kmg")
    ErrorRate(rate=0.375, errors=3, length=8)
    >>> character_error_rate("", "")
    ErrorRate(rate=0.0, errors=0, length=0)
    """
    reference_units = _characters(normalise(reference, layout=layout))
    compared_units = _characters(normalise(compared, layout=layout))
    return ErrorRate.of(distance(reference_units, compared_units), len(reference_units))


def word_error_rate(reference: str, compared: str, *, layout: bool = False) -> ErrorRate:
    """WER of ``compared`` against the gold ``reference``: Levenshtein distance over words.

    >>> word_error_rate("the king was glad", "tbe king was  glad")
    ErrorRate(rate=0.25, errors=1, length=4)
    """
    reference_words = words(normalise(reference, layout=layout))
    compared_words = words(normalise(compared, layout=layout))
    return ErrorRate.of(distance(reference_words, compared_words), len(reference_words))


def confusions(reference: str, compared: str, *, layout: bool = False) -> Counter[tuple[str, str]]:
    """How often each ``(gold, compared)`` piece differs, for the most common remaining errors.

    >>> confusions("modern times", "modem times")
    Counter({('rn', 'm'): 1})
    """
    return Counter(
        differing_runs(
            _characters(normalise(reference, layout=layout)), _characters(normalise(compared, layout=layout))
        )
    )


def _characters(text: str) -> str | list[str]:
    """Grapheme clusters; the string itself when every cluster is one code point (the same, but faster)."""
    clusters = graphemes(text)
    return text if len(clusters) == len(text) else clusters
