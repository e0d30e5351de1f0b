"""Word knowledge shared by the stages: wordfreq's frequencies and the user's word lists.

wordfreq ships its lists inside its package, so nothing is downloaded at run time. Its own functions
keep a language's whole list twice for the process (a list of frequency bands and a dict) and a cache of
the words asked for; here each list is one dict of word to band, built once and kept on disk between
runs (``core.disk_cache``), and another language's list is kept only down to the frequency a stage asks
about (``common_zipf``): 17,000 words where wordfreq would hold 300,000 to 600,000.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import wordfreq
from wordfreq.numbers import digit_freq, smash_numbers
from wordfreq.tokens import lossy_tokenize

from pipeline.core.disk_cache import cache_folder, load_or_build, source_stamp
from pipeline.core.rules import default_rules_dir

# Bumped whenever the way a table is built changes, so that a cached one is built again.
_TABLE_FORMAT = 1
# Words worked out the slow way (tokenised: capitals, digits, apostrophes) are kept, up to this many a list.
_CACHE_LIMIT = 50_000
# ``wordfreq.zipf_frequency``'s default minimum (Zipf 0) as a frequency: what an unknown word gets.
_MINIMUM_FREQUENCY = wordfreq.zipf_to_freq(0.0)


class WordFrequencies:
    """One language's wordfreq list (``best``) down to a Zipf floor: each word with its band, wordfreq's
    unit (centibels below a frequency of 1), a small int every word of a band shares.

    ``zipf`` gives what ``wordfreq.zipf_frequency`` gives, at the floor and above; below it, 0.

    >>> english = word_frequencies("en")
    >>> [english.zipf(w) == wordfreq.zipf_frequency(w, "en") for w in ("the", "Tho", "l'eau", "1937")]
    [True, True, True, True]
    """

    __slots__ = ("_band_zipfs", "_jieba", "_tokenised", "bands", "built_from", "language")

    def __init__(self, language: str, bands: dict[str, int], built_from: object = None) -> None:
        self.language = language
        self.bands = bands
        # What the table was built from: part of the key of anything cached that is built from it.
        self.built_from = built_from
        self._jieba = wordfreq.get_language_info(language)["tokenizer"] == "jieba"
        self._band_zipfs: dict[int, float] = {}
        self._tokenised: dict[str, float] = {}

    def band_frequency(self, band: int) -> float:
        """The frequency of a band, as wordfreq's own dict gives it (``cB_to_freq``)."""
        return wordfreq.cB_to_freq(-band)

    def zipf(self, word: str) -> float:
        """The word's Zipf frequency as ``wordfreq.zipf_frequency(word, language)`` gives it."""
        if word.isascii() and word.isalpha() and word.islower():  # [a-z]+: one token, as it stands
            band = self.bands.get(word)
            return 0.0 if band is None else self._band_zipf(band)
        found = self._tokenised.get(word)
        if found is None:
            if len(self._tokenised) >= _CACHE_LIMIT:
                self._tokenised.clear()  # a bound on memory for corpora of millions of distinct words
            if self._jieba:
                found = wordfreq.zipf_frequency(word, self.language)
            else:
                found = round(wordfreq.freq_to_zipf(self._frequency(word)), 2)
            self._tokenised[word] = found
        return found

    def _band_zipf(self, band: int) -> float:
        """The Zipf frequency of a one-token word of this band, worked out as ``_frequency`` does."""
        zipf = self._band_zipfs.get(band)
        if zipf is None:
            one_over = 1.0 / self.band_frequency(band)
            frequency = _three_digits(max(1.0 / one_over, _MINIMUM_FREQUENCY))
            zipf = self._band_zipfs[band] = round(wordfreq.freq_to_zipf(frequency), 2)
        return zipf

    def _frequency(self, word: str) -> float:
        """``wordfreq.word_frequency`` with the minimum ``zipf_frequency`` gives it: its tokens'
        frequencies combined as 1/f = 1/f1 + 1/f2 ..., digits by wordfreq's own estimate."""
        tokens = lossy_tokenize(word, self.language)
        if not tokens:
            return _MINIMUM_FREQUENCY
        one_over = 0.0
        for token in tokens:
            smashed = smash_numbers(token)
            band = self.bands.get(smashed)
            if band is None:
                return _MINIMUM_FREQUENCY
            frequency = self.band_frequency(band)
            if smashed != token:
                frequency *= digit_freq(token)
            one_over += 1.0 / frequency
        return _three_digits(max(1.0 / one_over, _MINIMUM_FREQUENCY))


def _three_digits(frequency: float) -> float:
    """A frequency to 3 significant digits, as wordfreq rounds what it returns."""
    return round(frequency, math.floor(-math.log(frequency, 10)) + 3)


@lru_cache(maxsize=16)
def word_frequencies(language: str, min_zipf: float = 0.0) -> WordFrequencies:
    """wordfreq's ``best`` list of ``language``, the words at least ``min_zipf`` frequent (all for 0),
    read once per process and kept on disk between runs."""
    source = wordfreq.available_languages("best")[language]
    # One band of margin: a word just under the floor is never rounded up to it.
    last_band = math.inf if min_zipf <= 0 else round((9 - min_zipf) * 100) + 1

    def build() -> dict[str, int]:
        bands: dict[str, int] = {}
        for band, words in enumerate(wordfreq.read_cBpack(source)):
            if band > last_band:
                break
            for word in words:
                bands[word] = band  # as wordfreq's own dict has it
        return bands

    built_from = (_TABLE_FORMAT, language, last_band, source_stamp(source))
    bands = load_or_build(f"words-{language}", built_from, build, cache_folder())
    return WordFrequencies(language, bands, built_from)


def zipf(word: str, language: str = "en") -> float:
    """wordfreq's Zipf frequency (0 for unknown, about 7 for ``the``), case-folded.

    >>> zipf("degradation") > 3 > zipf("degra")
    True
    """
    return word_frequencies(language).zipf(word)


def common_zipf(word: str, language: str, floor: float) -> float:
    """The word's Zipf frequency where it is at least ``floor``, else 0: what a check for common words
    of another language needs, from that language's common words alone.

    >>> common_zipf("sont", "fr", 3.5) == zipf("sont", "fr"), common_zipf("chaussette", "fr", 3.5)
    (True, 0.0)
    """
    found = word_frequencies(language, floor).zipf(word)
    return found if found >= floor else 0.0


def user_words(user_dir: Path | None = None) -> frozenset[str]:
    """Words from ``rules/lexicon/*.txt`` (shipped and the user's), one a line, ``#`` for comments."""
    return _read_word_lists(tuple(folder for folder in (default_rules_dir(), user_dir) if folder is not None))


@lru_cache(maxsize=8)
def _read_word_lists(folders: tuple[Path, ...]) -> frozenset[str]:
    words: set[str] = set()
    for folder in folders:
        for path in sorted((Path(folder) / "lexicon").glob("*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                word = line.split("#", 1)[0].strip()
                if word:
                    words.add(word)
    return frozenset(words)
