"""Word knowledge shared by the stages: wordfreq's frequencies and the user's word lists.

wordfreq ships its lists inside its package, so nothing is downloaded at run time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import wordfreq

from pipeline.core.rules import default_rules_dir


@lru_cache(maxsize=500_000)
def zipf(word: str, language: str = "en") -> float:
    """wordfreq's Zipf frequency (0 for unknown, about 7 for ``the``), case-folded.

    >>> zipf("degradation") > 3 > zipf("degra")
    True
    """
    return wordfreq.zipf_frequency(word, language)


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
