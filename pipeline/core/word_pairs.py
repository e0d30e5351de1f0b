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
from itertools import islice

import wordfreq
from wordfreq.numbers import has_digit_sequence

from pipeline.core.disk_cache import cache_folder, load_or_build, source_stamp
from pipeline.core.lexicon import word_frequencies

_PAIRS_FILE = "frequency_bigramdictionary_en_243_342.txt"
# The list's own total is not given: it is estimated from this many of the most frequent words, whose
# listed pairs cover nearly all their uses, as the ratio of their pair counts to their wordfreq frequency.
_CALIBRATION_WORDS = 50
# Bumped whenever the way the table is built changes, so that a cached one is built again.
_TABLE_FORMAT = 1


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
        self._english = word_frequencies("en")
        self._log_frequency: dict[int, float] = {}  # by wordfreq's band: a few hundred

    def association(self, first: str, second: str) -> float:
        """log10(count / expected count) of ``first second`` (lower case); 0 where nothing is known.

        A pair missing from the list was seen fewer times than the list's cutoff: that says something
        only where chance alone would have it seen more often. Not kept once worked out: a few dict
        look-ups, where a cache of them took 20 MB.
        """
        first_frequency = self._frequency(first)
        second_frequency = self._frequency(second)
        if first_frequency is None or second_frequency is None:
            return 0.0
        expected = self._log_total + first_frequency + second_frequency
        observed = self._counts.get(f"{first} {second}")
        if observed is not None:
            return observed - expected
        return min(0.0, self._log_cutoff - expected)

    def _frequency(self, word: str) -> float | None:
        band = self._english.bands.get(word)
        if band is None:
            return None
        value = self._log_frequency.get(band)
        if value is None:
            value = self._log_frequency[band] = math.log10(self._english.band_frequency(band))
        return value


@lru_cache(maxsize=1)
def english_word_pairs() -> WordPairs:
    """The shipped pair list, read once per process and only when needed; what is worked out from it is
    kept on disk between runs (reading it back takes a fifth of the second building it takes)."""
    source = importlib.resources.files("symspellpy") / _PAIRS_FILE
    english = wordfreq.available_languages("best")["en"]  # its frequencies calibrate the total
    built_from = (_TABLE_FORMAT, _PAIRS_FILE, source_stamp(str(source)), source_stamp(english))
    counts, log_total, log_cutoff = load_or_build("word-pairs", built_from, _read_pairs, cache_folder())
    return WordPairs(counts, log_total, log_cutoff)


def _read_pairs() -> tuple[dict[str, float], float, float]:
    """Each pair's log10 count, the list's estimated total and its cutoff (log10)."""
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
    english = word_frequencies("en")
    # wordfreq.top_n_list, without wordfreq keeping the whole list for the process.
    common = islice((word for word in english.bands if not has_digit_sequence(word)), _CALIBRATION_WORDS)
    total = statistics.median(
        first_totals[word] / english.band_frequency(english.bands[word])
        for word in common
        if word in first_totals
    )
    return counts, math.log10(total), math.log10(cutoff)
