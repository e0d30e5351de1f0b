"""How much a string of letters looks like an English word: a model of letter sequences.

A word no lexicon knows is either the author's (a name, a term, a rare word) or a misreading. The
author's words are made of the language's letter sequences (``Balgownie``, ``Zinovievites``);
misreadings mostly are not (``Wltnoss``, ``Ofllco``): a letter-sequence model tells them apart where a
flat prior for every unknown word cannot.

The model is a character n-gram model with Witten-Bell interpolation, counted over wordfreq's English
words (each word once, so that frequent words do not outweigh the spelling of rare ones, which names
resemble). It is built once and kept on disk between runs (``core.disk_cache``).
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

from pipeline.core.disk_cache import cache_folder, load_or_build
from pipeline.core.lexicon import word_frequencies

# Pads a word's start (so its first letters have contexts) and marks its end (so endings count).
_START, _END = "\x02", "\x03"
# Bumped whenever the way the model is built changes, so that a cached one is built again.
_MODEL_FORMAT = 1


class LetterModel:
    """log10 chances of letters after the ones before them, in the words of a word list.

    >>> model = english_letter_model(4, 1.0)
    >>> model.log10_chance("witness") > model.log10_chance("wltnoss")
    True
    """

    def __init__(self, order: int, chances: dict[str, float], gaps: dict[str, float], unseen: float) -> None:
        self.order = order
        # log10 of the interpolated chance of each n-gram's last letter after the rest, for n-grams seen.
        self._chances = chances
        # log10 of the weight a seen context leaves to shorter contexts for letters it has not seen after it.
        self._gaps = gaps
        # log10 of one letter's chance with no context at all.
        self._unseen = unseen

    def log10_chance(self, word: str) -> float:
        """log10 of the chance of ``word`` (lower case), its end included."""
        padded = _START * (self.order - 1) + word + _END
        return sum(self._letter_chance(padded, at) for at in range(self.order - 1, len(padded)))

    def shortfall(self, word: str, per_letter: float) -> float:
        """How far (log10) ``word`` falls short of a word of its length whose letters each have the
        chance ``per_letter``; 0 where it does not.

        >>> model = english_letter_model(4, 1.0)
        >>> model.shortfall("witness", -1.0), round(model.shortfall("wltnoss", -1.0), 1)
        (0.0, 4.4)
        """
        return max(0.0, per_letter * (len(word) + 1) - self.log10_chance(word))

    def _letter_chance(self, padded: str, at: int) -> float:
        """The log10 chance of ``padded[at]`` after the letters before it: from the longest context
        that has seen it, less what each longer context keeps for letters it has seen."""
        gaps = 0.0
        for start in range(at - self.order + 1, at + 1):
            chance = self._chances.get(padded[start : at + 1])
            if chance is not None:
                return gaps + chance
            gaps += self._gaps.get(padded[start:at], 0.0)
        return gaps + self._unseen


@lru_cache(maxsize=4)
def english_letter_model(order: int, min_zipf: float) -> LetterModel:
    """The model of wordfreq's English words of letters alone at least ``min_zipf`` frequent, read once
    per process."""
    english = word_frequencies("en")
    built_from = (_MODEL_FORMAT, english.built_from, order, min_zipf)
    chances, gaps, unseen = load_or_build(
        "letter-model", built_from, lambda: _build(order, min_zipf), cache_folder()
    )
    return LetterModel(order, chances, gaps, unseen)


def _build(order: int, min_zipf: float) -> tuple[dict[str, float], dict[str, float], float]:
    """Count every n-gram of 1 to ``order`` letters, then interpolate from the shortest up."""
    english = word_frequencies("en")
    counts: Counter[str] = Counter()
    for word in english.bands:
        if word.isalpha() and english.zipf(word) >= min_zipf:
            padded = _START * (order - 1) + word + _END
            for end in range(order, len(padded) + 1):
                counts.update(padded[start:end] for start in range(end - order, end))
    # Per context: how often it is followed by a letter, and by how many different letters.
    seen: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for gram, count in counts.items():
        seen[gram[:-1]] += count
        kinds[gram[:-1]] += 1
    alphabet = kinds[""]
    # Witten-Bell: a context passes to the shorter one the share of its uses that were a new letter.
    keep = {context: seen[context] / (seen[context] + kinds[context]) for context in seen}
    chances: dict[str, float] = {}
    for gram in sorted(counts, key=len):
        context = gram[:-1]
        shorter = 10 ** chances[gram[1:]] if context else 1 / alphabet
        chance = keep[context] * counts[gram] / seen[context] + (1 - keep[context]) * shorter
        chances[gram] = math.log10(chance)
    gaps = {context: math.log10(1 - share) for context, share in keep.items()}
    return chances, gaps, math.log10(1 / alphabet)
