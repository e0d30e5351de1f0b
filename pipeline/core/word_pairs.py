"""English word pairs: how much more or less often two words stand together than chance would have it.

A misread word is often a word too (``tho``, ``wore``), and its frequency alone cannot tell it from the
word meant: its neighbours can (``they were``, not ``they wore``). The counts are SymSpell's English bigram
list (242,342 pairs from Google Books, each seen at least 6.4 million times), which the ``symspellpy``
package ships; nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.resources
import math
import statistics
from functools import lru_cache

import wordfreq

_PAIRS_FILE = "frequency_bigramdictionary_en_243_342.txt"
# The list's own total is not given: it is estimated from this many of the most frequent words, whose
# listed pairs cover nearly all their uses, as the ratio of their pair counts to their wordfreq frequency.
_CALIBRATION_WORDS = 50
# Associations worked out are kept, up to this many pairs.
_CACHE_LIMIT = 200_000


class WordPairs:
    """Association of two adjacent words, as log10 of observed over expected counts (pointwise MI).

    >>> pairs = english_word_pairs()
    >>> pairs.association("they", "were") > 1 > 0 >= pairs.association("they", "wore")
    True
    """

    def __init__(self, counts: dict[str, float], log_total: float, log_cutoff: float) -> None:
        self._counts = counts
        self._log_total = log_total
        self._log_cutoff = log_cutoff
        self._frequencies = wordfreq.get_frequency_dict("en", wordlist="best")
        self._log_frequency: dict[str, float] = {}
        self._associations: dict[str, float] = {}

    def association(self, first: str, second: str) -> float:
        """log10(count / expected count) of ``first second`` (lower case); 0 where nothing is known.

        A pair missing from the list was seen fewer times than the list's cutoff: that says something
        only where chance alone would have it seen more often.
        """
        key = f"{first} {second}"
        found = self._associations.get(key)
        if found is None:
            if len(self._associations) >= _CACHE_LIMIT:
                self._associations.clear()  # a bound on memory for corpora of millions of word pairs
            found = self._associations[key] = self._association(first, second, key)
        return found

    def _association(self, first: str, second: str, key: str) -> float:
        first_frequency = self._frequency(first)
        second_frequency = self._frequency(second)
        if first_frequency is None or second_frequency is None:
            return 0.0
        expected = self._log_total + first_frequency + second_frequency
        observed = self._counts.get(key)
        if observed is not None:
            return observed - expected
        return min(0.0, self._log_cutoff - expected)

    def _frequency(self, word: str) -> float | None:
        value = self._log_frequency.get(word)
        if value is None:
            frequency = self._frequencies.get(word)
            value = self._log_frequency[word] = math.log10(frequency) if frequency else math.nan
        return None if math.isnan(value) else value


@lru_cache(maxsize=1)
def english_word_pairs() -> WordPairs:
    """The shipped pair list, read once per process (about half a second) and only when needed."""
    counts: dict[str, float] = {}
    first_totals: dict[str, int] = {}
    cutoff = math.inf
    source = importlib.resources.files("symspellpy") / _PAIRS_FILE
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            first, second, count_text = line.split()
            count = int(count_text)
            counts[f"{first} {second}"] = math.log10(count)
            first_totals[first] = first_totals.get(first, 0) + count
            cutoff = min(cutoff, count)
    common = wordfreq.top_n_list("en", _CALIBRATION_WORDS)
    frequencies = wordfreq.get_frequency_dict("en", wordlist="best")
    total = statistics.median(
        first_totals[word] / frequencies[word] for word in common if word in first_totals
    )
    return WordPairs(counts, math.log10(total), math.log10(cutoff))
