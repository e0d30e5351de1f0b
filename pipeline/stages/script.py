"""Stage `script`: Cyrillic that OCR read as Latin look-alikes, and words that mix the two scripts.

A Latin OCR model reads Cyrillic capitals as Latin letters or groups of them (``П`` as ``N`` or ``II``,
``Ы`` as ``LI``), so a poster caption ``ВЕРХОВНОГО СОВЕТА`` comes out as ``BEPXOBHOIO COBETA``. This stage

- finds lines of capitals that hold a word that does not read as English (a cheap check, so that
  ordinary English text costs almost nothing);
- looks each Latin word of such a line up in wordfreq's Russian list: rapidfuzz finds the words nearest
  to its likeliest Cyrillic reading, and a many-to-many alignment weighted by the confusion table of
  ``rules/script.toml`` rescores them together with their frequency;
- restores a line only when most of its letters find confident Russian readings and it does not read
  as English (English words, acronyms, Latin transliterations such as ``PRAVDA``); unsure words in a
  restored line are logged as suggestions with their candidates;
- mends words that mix Latin and Cyrillic letters (``Соmmunist``, ``Мocква``) to one script;
- optionally gives restored lines in Latin transliteration (BGN/PCGN or ISO 9, by ``iuliia``).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import iuliia
import regex
import wordfreq
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.lexicon import user_words, zipf
from pipeline.core.rules import RuleTable
from pipeline.core.settings import Settings

SCHEMES = {"bgn_pcgn": iuliia.BGN_PCGN, "iso9": iuliia.GOST_779}
TRANSLITERATION_MODES = ("none", "latin", "both")

# A word of a line: letters and digits (OCR reads З as 3, Б as 6), the bar that stands for I, and the
# marks OCR reads inside a word for С or Ъ: ( and '.
TOKEN = regex.compile(r"[\p{L}\d|]+(?:[('][\p{L}\d|]+)*")
CYRILLIC = regex.compile(r"\p{Cyrillic}")
LATIN = regex.compile(r"\p{Latin}")
MIXED_SCRIPT_WORD = regex.compile(r"\p{L}*(?:\p{Latin}\p{L}*\p{Cyrillic}|\p{Cyrillic}\p{L}*\p{Latin})\p{L}*")
# Roman numerals of two letters or more (one letter may well be a Russian word: C for С, V for У).
ROMAN_NUMERAL = regex.compile(r"(?=[MDCLXVI]{2})M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
RUSSIAN_WORD = regex.compile(r"[А-ЯЁ]+(?:-[А-ЯЁ]+)*")
BRACKETED = regex.compile(r"\[[^\]\n]*\]")


@dataclass(frozen=True)
class Reading:
    """A Russian word a Latin word may stand for: its alignment cost, frequency and overall score."""

    cyrillic: str
    cost: float
    zipf: float
    score: float


@dataclass(frozen=True)
class WordVerdict:
    """What the stage makes of one Latin word of a suspect line."""

    start: int
    end: int
    latin: str
    english: bool
    readings: tuple[Reading, ...]
    confident: bool
    confidence: float


@dataclass(frozen=True)
class SuspectLine:
    """A suspect line's Latin words (offset, word, English evidence), its Cyrillic letters, its anchor."""

    words: list[tuple[int, str, bool]]
    cyrillic_letters: int
    anchored: bool


class ConfusionModel:
    """The confusion table of ``rules/script.toml``: Latin readings of Cyrillic capitals with costs.

    >>> model = ConfusionModel(RuleTable("script", {"confusions": {"Ы": {"LI": 0.1}, "П": {"N": 0.2}},
    ...     "costs": {"insert": 1, "delete": 1, "substitute": 1}}))
    >>> model.skeleton("NLI")
    'ПЫ'
    >>> model.alignment_cost("NLI", "ПЫ")
    0.3
    """

    def __init__(self, rules: RuleTable) -> None:
        costs = rules.table("costs")
        self.insert = costs.number("insert", low=0)
        self.delete = costs.number("delete", low=0)
        self.substitute = costs.number("substitute", low=0)
        confusions = rules.table("confusions")
        readings: dict[str, list[tuple[str, float]]] = {}
        for cyrillic in confusions:
            table = confusions.table(cyrillic)
            for latin in table:
                readings.setdefault(latin, []).append((cyrillic, table.number(latin, low=0)))
        self.readings = {
            latin: tuple(sorted(pairs, key=lambda pair: pair[1])) for latin, pairs in readings.items()
        }
        self.longest = max(map(len, self.readings), default=1)
        self.lookalikes = frozenset("".join(self.readings))

    def skeleton(self, word: str, *, groups: bool = True) -> str:
        """The word's likeliest Cyrillic reading: the cheapest split into readings (or letter by letter)."""
        longest = self.longest if groups else 1
        # best[i]: the cheapest reading of word[:i], as (cost, letters).
        best: list[tuple[float, str]] = [(0.0, "")] + [(math.inf, "")] * len(word)
        for i in range(len(word)):
            cost, letters = best[i]
            for length in range(1, min(longest, len(word) - i) + 1):
                pairs = self.readings.get(word[i : i + length])
                if pairs:
                    letter, step = pairs[0]
                elif length == 1:
                    letter, step = word[i], self.substitute
                else:
                    continue
                if cost + step < best[i + length][0]:
                    best[i + length] = (cost + step, letters + letter)
        return best[-1][1]

    @lru_cache(maxsize=4096)  # noqa: B019 - one model lives per rules setting, for the process
    def _options(self, latin: str) -> tuple[dict[str, tuple[tuple[int, float], ...]], ...]:
        """For each position of a Latin word, the Cyrillic letters a reading starting there stands for."""
        options: list[dict[str, list[tuple[int, float]]]] = [{} for _ in latin]
        for i in range(len(latin)):
            for length in range(1, min(self.longest, len(latin) - i) + 1):
                for letter, cost in self.readings.get(latin[i : i + length], ()):
                    options[i].setdefault(letter, []).append((length, cost))
        return tuple({letter: tuple(pairs) for letter, pairs in at.items()} for at in options)

    def alignment_cost(self, latin: str, cyrillic: str, limit: float = math.inf) -> float:
        """The cheapest many-to-many alignment of a Latin reading with a Cyrillic word.

        Each Cyrillic letter is matched by one of its Latin readings, by itself, by any one character at
        the substitution cost, or by nothing at the deletion cost; a Latin character left over costs an
        insertion. Past ``limit`` the search stops and the cost is infinite.
        """
        n = len(latin)
        insert, delete, substitute = self.insert, self.delete, self.substitute
        options = self._options(latin)
        column = [i * insert for i in range(n + 1)]
        for letter in cyrillic:
            following = [base + delete for base in column]
            for i in range(n):
                base = column[i]
                step = base if latin[i] == letter else base + substitute
                if step < following[i + 1]:
                    following[i + 1] = step
                for length, cost in options[i].get(letter, ()):
                    if base + cost < following[i + length]:
                        following[i + length] = base + cost
            for i in range(n):
                if following[i] + insert < following[i + 1]:
                    following[i + 1] = following[i] + insert
            if min(following) > limit:
                return math.inf
            column = following
        return round(column[n], 4)


class RussianLexicon:
    """wordfreq's Russian words in capitals, bucketed by length for rapidfuzz; built once per process."""

    def __init__(self, size: int, extra_words: frozenset[str]) -> None:
        words = [word.upper() for word in wordfreq.top_n_list("ru", size)]
        words += sorted(word.upper() for word in extra_words if CYRILLIC.search(word))
        self.by_length: dict[int, list[str]] = {}
        self.rank: dict[str, int] = {}
        for word in words:
            if word not in self.rank and RUSSIAN_WORD.fullmatch(word):
                self.rank[word] = len(self.rank)
                self.by_length.setdefault(len(word), []).append(word)

    def nearest(self, skeleton: str, spread: int, limit: int) -> list[str]:
        """The ``limit`` words nearest ``skeleton`` by edit distance, up to ``spread`` letters longer or
        shorter; among equally near words the more frequent first."""
        found: list[tuple[float, int, str]] = []
        cutoff = max(1, math.ceil(len(skeleton) * 0.6))
        for length in range(max(1, len(skeleton) - spread), len(skeleton) + spread + 1):
            bucket = self.by_length.get(length, ())
            matches = process.extract(
                skeleton, bucket, scorer=Levenshtein.distance, limit=limit, score_cutoff=cutoff
            )
            found.extend((distance, self.rank[word], word) for word, distance, _ in matches)
        return [word for _, _, word in sorted(found)[:limit]]


@lru_cache(maxsize=4)
def russian_lexicon(size: int, extra_words: frozenset[str]) -> RussianLexicon:
    return RussianLexicon(size, extra_words)


def russian_for_transliteration(size: int, latin: str) -> str | None:
    """The frequent Russian word that ``latin`` (capitals) transliterates, if any (``PRAVDA``: ``ПРАВДА``).

    Words are transliterated (BGN/PCGN, ISO 9, ALA-LC) a first letter at a time and only for the first
    letters whose transliteration ``latin`` starts with, so an English text costs nothing and a caption
    little.

    >>> russian_for_transliteration(20000, "PRAVDA")
    'ПРАВДА'
    """
    found = [
        _transliteration_index(size, initial).get(latin, (size, None))
        for initial, prefixes in _initial_transliterations(size).items()
        if any(latin.startswith(prefix) for prefix in prefixes)
    ]
    return min(found, default=(size, None))[1]


_TRANSLITERATION_SCHEMES = (*SCHEMES.values(), iuliia.ALA_LC)


@lru_cache(maxsize=4)
def _russian_words_by_initial(size: int) -> dict[str, list[tuple[int, str]]]:
    """The most frequent Russian words in capitals with their frequency rank, by first letter."""
    buckets: dict[str, list[tuple[int, str]]] = {}
    for rank, word in enumerate(wordfreq.top_n_list("ru", size)):
        upper = word.upper()
        if RUSSIAN_WORD.fullmatch(upper):
            buckets.setdefault(upper[0], []).append((rank, upper))
    return buckets


@lru_cache(maxsize=4)
def _initial_transliterations(size: int) -> dict[str, set[str]]:
    """Each first letter with how it begins a word in each scheme (``Е``: ``YE``, ``E``)."""
    return {
        initial: {_transliterate(scheme, initial) for scheme in _TRANSLITERATION_SCHEMES} - {""}
        for initial in _russian_words_by_initial(size)
    }


@lru_cache(maxsize=256)
def _transliteration_index(size: int, initial: str) -> dict[str, tuple[int, str]]:
    """The words of one first letter, with their rank, by their transliterations; the most frequent wins."""
    index: dict[str, tuple[int, str]] = {}
    for rank, word in _russian_words_by_initial(size)[initial]:
        for scheme in _TRANSLITERATION_SCHEMES:
            index.setdefault(_transliterate(scheme, word), (rank, word))
    return index


def _transliterate(scheme: iuliia.Schema, word: str) -> str:
    return _strip_marks(scheme.translate(word.lower())).upper()


def _same_stem(first: str, second: str) -> bool:
    """Two forms of one word, as far as a reading goes: they differ only in their last two letters.

    >>> _same_stem("ПРОЛЕТАРИИ", "ПРОЛЕТАРИЙ"), _same_stem("ПЕРЕШЛА", "ПЕРЕЙРА")
    (True, False)
    """
    stem = max(3, min(len(first), len(second)) - 2)
    return len(first) > 3 and len(second) > 3 and first[:stem] == second[:stem]


def _strip_marks(text: str) -> str:
    """Latin letters without diacritics or the apostrophes of soft and hard signs (for comparing)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if char.isalnum())


class ScriptRestorer:
    """Everything the stage knows for one rules setting; cached per process, lexicons built on demand."""

    def __init__(self, rules: RuleTable, user_dir: Path | None = None) -> None:
        self.rules = rules
        self.user_dir = user_dir
        self.model = ConfusionModel(rules)
        line = rules.table("line")
        word = rules.table("word")
        self.min_russian_share = line.number("min_russian_share", low=0, high=1)
        self.min_russian_share_beside_russian = line.number("min_russian_share_beside_russian", low=0, high=1)
        self.max_english_share = line.number("max_english_share", low=0, high=1)
        self.english_min_length = line.integer("english_min_length", low=1)
        self.english_min_zipf = line.number("english_min_zipf", low=0)
        self.transliteration_min_zipf = line.number("transliteration_min_zipf", low=0)
        self.min_lookalike_share = line.number("min_lookalike_share", low=0, high=1)
        lowercase = regex.escape(line.text("lowercase_in_capitals"))
        # A line of capitals: two capitals in a row somewhere, no lowercase letter but the allowed few.
        self.capital_line = regex.compile(
            rf"(?m)^(?=[^\n]*\p{{Lu}}\p{{Lu}})(?:[^\n\p{{Ll}}]|[{lowercase}])+$" if lowercase else r"(?!)"
        )
        self.frequency_weight = word.number("frequency_weight", low=0)
        self.max_cost_per_letter = word.number("max_cost_per_letter", low=0)
        self.confident_cost_per_letter = word.number("confident_cost_per_letter", low=0)
        self.clear_margin = word.number("clear_margin", low=0.01)
        self.min_margin = word.number("min_margin", low=0)
        self.min_word_confidence = word.number("min_word_confidence", low=0, high=1)
        self.confident_cost_allowance = word.number("confident_cost_allowance", low=0)
        self.lone_word_cost_per_letter = word.number("lone_word_cost_per_letter", low=0)
        self.anchor_cost_per_letter = word.number("anchor_cost_per_letter", low=0)
        self.candidates = word.integer("candidates", low=1)
        self.wide_candidates = word.integer("wide_candidates", low=1)
        self.lookalike_only_confidence = word.number("lookalike_only_confidence", low=0, high=1)
        self.acronyms = frozenset(rules.table("acronyms").strings("words"))
        self.lexicon_size = rules.integer("lexicon_size", low=1)
        self.transliteration_size = rules.integer("transliteration_index_size", low=0)
        self.transliteration = rules.text("transliteration", choices=TRANSLITERATION_MODES)
        self.scheme = SCHEMES[rules.text("scheme", choices=tuple(SCHEMES))]
        homoglyphs = rules.table("homoglyphs")
        self.to_latin = {cyrillic: homoglyphs.text(cyrillic) for cyrillic in homoglyphs}
        self.to_cyrillic = {latin: cyrillic for cyrillic, latin in self.to_latin.items()}
        # One-to-one look-alikes of capitals, for spelling an unknown word of a restored line.
        self.exact_capitals = {
            latin: cyrillic
            for latin, cyrillic in self.to_cyrillic.items()
            if latin.isupper() and RUSSIAN_WORD.fullmatch(cyrillic)
        }
        fixes = rules.table("transliteration_fixes")
        self.transliteration_fixes = {char: fixes.text(char) for char in fixes}
        self._readings: dict[tuple[str, bool], tuple[Reading, ...]] = {}
        self._verdicts: dict[str, tuple[tuple[Reading, ...], bool, float]] = {}
        self._english: dict[str, bool] = {}

    # The words of a line ------------------------------------------------------------------------------

    def reads_as_english(self, word: str) -> bool:
        """An English word or a known acronym.

        Short words (``TO``, ``HE``, ``B``) are English and Russian alike, so they are no evidence.
        """
        if word in self.acronyms or word.upper() in self.acronyms:
            return True
        return len(word) >= self.english_min_length and zipf(word.lower(), "en") >= self.english_min_zipf

    def is_transliteration(self, word: str) -> bool:
        """Whether the word spells a frequent Russian word in some transliteration scheme (``PRAVDA``)."""
        if not self.transliteration_size or not word.isalpha() or len(word) < self.english_min_length:
            return False
        russian = russian_for_transliteration(self.transliteration_size, word.upper())
        return russian is not None and zipf(russian.lower(), "ru") >= self.transliteration_min_zipf

    def is_suspect(self, words: list[str]) -> bool:
        """Cheap: a word that is not English and is made of letters Cyrillic capitals are misread as."""
        for word in words:
            if len(word) < 2 or self.reads_as_english(word) or ROMAN_NUMERAL.fullmatch(word):
                continue
            lookalike = sum(char in self.model.lookalikes for char in word)
            if lookalike >= self.min_lookalike_share * len(word):
                return True
        return False

    def readings(self, word: str, *, wide: bool = True) -> tuple[Reading, ...]:
        """Russian words the Latin ``word`` may stand for, best first (cached per process).

        The narrow search looks at the nearest few words of about the same length; the wide one, when
        that finds nothing confident, at many more.
        """
        key = (word, wide)
        if key not in self._readings:
            self._readings[key] = self._search(word, wide)
        return self._readings[key]

    def _search(self, word: str, wide: bool) -> tuple[Reading, ...]:
        lexicon = russian_lexicon(self.lexicon_size, user_words(self.user_dir))
        found = {reading.cyrillic: reading for reading in self.readings(word, wide=False)} if wide else {}
        if wide:
            best = next(iter(found.values()), None)
            if best is not None and best.cost <= self.confident_cost_per_letter * len(best.cyrillic):
                return tuple(found.values())
        limit, spread = (self.wide_candidates, 2) if wide else (self.candidates, 1)
        for skeleton in dict.fromkeys(self.model.skeleton(word, groups=groups) for groups in (True, False)):
            for candidate in lexicon.nearest(skeleton, spread, limit):
                if candidate not in found:
                    reading = self._reading(word, candidate)
                    if reading is not None:
                        found[candidate] = reading
        return tuple(sorted(found.values(), key=lambda reading: reading.score))

    def _reading(self, word: str, candidate: str) -> Reading | None:
        cost = self.model.alignment_cost(word, candidate, self.max_cost_per_letter * len(candidate))
        if cost > self.max_cost_per_letter * len(candidate):
            return None
        frequency = zipf(candidate.lower(), "ru")
        return Reading(candidate, cost, frequency, round(cost + self.frequency_weight * (7 - frequency), 4))

    def english_evidence(self, word: str) -> bool:
        """Cached ``reads_as_english_only``."""
        if word not in self._english:
            self._english[word] = self.reads_as_english_only(word)
        return self._english[word]

    def reads_as_english_only(self, word: str) -> bool:
        """The word reads as English, and not as a more frequent Russian word in identical letters.

        ``TOT`` and ``BCE`` are English and Russian (``ТОТ``, ``ВСЕ``) alike: evidence for neither.

        >>> restorer().english_evidence("THE"), restorer().english_evidence("TOT")
        (True, False)
        """
        if word in self.acronyms:
            return True
        if not word.isupper() or not self.reads_as_english(word):
            return False
        if all(char in self.exact_capitals for char in word):
            spelled = "".join(self.exact_capitals[char] for char in word)
            return zipf(spelled.lower(), "ru") < zipf(word.lower(), "en")
        return True

    def judge(self, start: int, word: str, english: bool) -> WordVerdict:
        """A Latin word's Russian readings, with a verdict: confident or not, and how much."""
        if word not in self._verdicts:
            self._verdicts[word] = self._verdict(word)
        readings, confident, confidence = self._verdicts[word]
        return WordVerdict(start, start + len(word), word, english, readings, confident, confidence)

    def _verdict(self, word: str) -> tuple[tuple[Reading, ...], bool, float]:
        readings = () if word in self.acronyms else self.readings(word)
        if not readings:
            return readings, False, 0.0
        best = readings[0]
        rival = next((other for other in readings[1:] if not _same_stem(other.cyrillic, best.cyrillic)), None)
        margin = rival.score - best.score if rival is not None else self.clear_margin
        per_letter = best.cost / len(best.cyrillic)
        allowed = self.confident_cost_per_letter * len(best.cyrillic) + self.confident_cost_allowance
        shortfall = max(0.0, self.clear_margin - margin) / self.clear_margin
        confidence = round(max(0.0, 1.0 - per_letter - 0.3 * shortfall), 3)
        confident = (
            best.cost <= allowed and margin >= self.min_margin and confidence >= self.min_word_confidence
        )
        return readings, confident, confidence

    # Lines ----------------------------------------------------------------------------------------------

    def restore_lines(self, text: str) -> Iterator[Edit]:
        """Edits for every line of capitals that is Cyrillic read as Latin.

        Only a line with an anchor (a word whose likeliest reading is a Russian word as it stands) is
        looked up, or a line next to a restored line (the rest of a caption), which also needs a smaller
        share of confident words.
        """
        lines = dict(self.suspect_lines(text))
        judged: dict[int, list[WordVerdict]] = {}
        restored: set[int] = set()
        pending = set(lines)
        while pending:
            number = pending.pop()
            line = lines[number]
            beside = number - 1 in restored or number + 1 in restored
            if not (line.anchored or beside):
                continue
            if number not in judged:
                judged[number] = [self.judge(*item) for item in line.words]
            if self.reads_as_russian(judged[number], line.cyrillic_letters, beside):
                restored.add(number)
                pending.update(n for n in (number - 1, number + 1) if n in lines and n not in restored)
        for number in sorted(restored):
            yield from self.line_edits(judged[number])

    def suspect_lines(self, text: str) -> Iterator[tuple[int, SuspectLine]]:
        """Lines of capitals with a word that may be Cyrillic read as Latin, by line number."""
        number, counted = 0, 0
        for line in self.capital_line.finditer(text):
            # Square brackets hold editors' notes and this stage's own transliterations: left alone.
            notes = [match.span() for match in BRACKETED.finditer(line.group())]
            tokens = [
                (match.start(), match.group())
                for match in TOKEN.finditer(line.group())
                if not any(start <= match.start() < end for start, end in notes)
            ]
            latin = [
                (line.start() + offset, word)
                for offset, word in tokens
                if LATIN.search(word) and not CYRILLIC.search(word)
            ]
            if not latin or not self.is_suspect([word for _, word in latin]):
                continue
            number += text.count("\n", counted, line.start())
            counted = line.start()
            cyrillic_letters = sum(len(word) for _, word in tokens if CYRILLIC.search(word))
            words = [(start, word, self.english_evidence(word)) for start, word in latin]
            words = [item for item in words if not ROMAN_NUMERAL.fullmatch(item[1])]
            total = cyrillic_letters + sum(len(word) for _, word, _ in words)
            if sum(len(word) for _, word, english in words if english) > self.max_english_share * total:
                continue  # reads as English already: no need to look anything up
            anchored = cyrillic_letters > 0 or any(self.is_anchor(word) for _, word, _ in words)
            yield number, SuspectLine(words, cyrillic_letters, anchored)

    def is_anchor(self, word: str) -> bool:
        """A word with a close Russian reading among the nearest few (``COBETA`` is ``СОВЕТА``).

        A line with no such word is not looked up alone: that keeps names in capitals (``AHEARN``) and
        English OCR debris from being searched widely, or read as Russian.
        """
        if len(word) < self.english_min_length or word in self.acronyms:
            return False
        readings = self.readings(word, wide=False)
        return bool(readings) and readings[0].cost <= self.anchor_cost_per_letter * len(readings[0].cyrillic)

    def reads_as_russian(
        self, verdicts: list[WordVerdict], cyrillic_letters: int, beside_russian: bool = False
    ) -> bool:
        """Most letters find confident Russian readings, few read as English or as a transliteration.

        A word alone on its line has no context, so its reading must be close (``NSDAP`` is no word).
        """
        if len(verdicts) == 1 and not cyrillic_letters and not beside_russian:
            best = verdicts[0].readings[0] if verdicts[0].readings else None
            if best is None or best.cost > self.lone_word_cost_per_letter * len(best.cyrillic):
                return False
        total = cyrillic_letters + sum(len(verdict.latin) for verdict in verdicts)
        russian = cyrillic_letters + sum(
            len(verdict.latin) for verdict in verdicts if verdict.confident and not verdict.english
        )
        threshold = self.min_russian_share_beside_russian if beside_russian else self.min_russian_share
        if not total or russian < threshold * total:
            return False
        english = sum(len(verdict.latin) for verdict in verdicts if verdict.english)
        # Transliterations are looked up last, for lines about to be restored (the index is slow to build).
        english += sum(
            len(verdict.latin)
            for verdict in verdicts
            if not verdict.english and self.is_transliteration(verdict.latin)
        )
        return english <= self.max_english_share * total

    def line_edits(self, verdicts: list[WordVerdict]) -> Iterator[Edit]:
        """Restore the confident words of a Russian line; log the others' candidates as suggestions."""
        restored: list[tuple[int, int, str]] = []
        for verdict in verdicts:
            if verdict.latin in self.acronyms:
                continue
            if verdict.confident:
                cyrillic = verdict.readings[0].cyrillic
                yield self._word_edit(verdict, cyrillic, "latin-lookalike", verdict.confidence, True)
                restored.append((verdict.start, verdict.end, cyrillic))
            elif verdict.readings:
                yield self._word_edit(
                    verdict, verdict.readings[0].cyrillic, "latin-lookalike", verdict.confidence, False
                )
            elif all(char in self.exact_capitals for char in verdict.latin):
                cyrillic = "".join(self.exact_capitals[char] for char in verdict.latin)
                confidence = self.lookalike_only_confidence
                yield self._word_edit(verdict, cyrillic, "latin-lookalike-letters", confidence, True)
                restored.append((verdict.start, verdict.end, cyrillic))
        if self.transliteration == "both" and restored:
            end = restored[-1][1]
            latin = " ".join(self.transliterate(cyrillic) for _, _, cyrillic in restored)
            yield Edit(end, end, f" [{latin}]", "transliteration", note=self._scheme_note())

    def _word_edit(
        self, verdict: WordVerdict, cyrillic: str, rule: str, confidence: float, applied: bool
    ) -> Edit:
        replacement = self.transliterate(cyrillic) if self.transliteration == "latin" else cyrillic
        others = ", ".join(f"{reading.cyrillic} ({reading.score:.2f})" for reading in verdict.readings[:4])
        note = f"candidates: {others}" if others else "spelled letter by letter"
        if self.transliteration == "latin":
            note = f"{note}; {self._scheme_note()}"
        return Edit(verdict.start, verdict.end, replacement, rule, confidence, applied, note)

    def _scheme_note(self) -> str:
        return f"transliterated by {self.rules.text('scheme')}"

    # Transliteration ------------------------------------------------------------------------------------

    def transliterate(self, cyrillic: str) -> str:
        """A Cyrillic word in the chosen scheme, in the word's case.

        >>> restorer().transliterate("ВЕРХОВНОГО")
        'VERKHOVNOGO'
        """
        latin = unicodedata.normalize("NFC", self.scheme.translate(cyrillic.lower()))
        latin = "".join(self.transliteration_fixes.get(char, char) for char in latin)
        if cyrillic.isupper():
            return latin.upper()
        if cyrillic[:1].isupper():
            return latin[:1].upper() + latin[1:]
        return latin

    # Mixed-script words ---------------------------------------------------------------------------------

    def mend_mixed_words(self, text: str) -> Iterator[Edit]:
        """Words that mix Latin and Cyrillic letters, mended to one script."""
        if not CYRILLIC.search(text) or not MIXED_SCRIPT_WORD.search(text):
            return
        for match in MIXED_SCRIPT_WORD.finditer(text):
            edit = self.mend_mixed_word(text, match.start(), match.group())
            if edit is not None:
                yield edit

    def mend_mixed_word(self, text: str, start: int, word: str) -> Edit | None:
        """One script for a mixed word, chosen by its other letters, its neighbours and the lexicons.

        >>> restorer().mend_mixed_word("Мocква", 0, "Мocква").replacement
        'Москва'
        """
        as_latin = "".join(self.to_latin.get(char, char) for char in word)
        as_cyrillic = "".join(self.to_cyrillic.get(char, char) for char in word)
        latin_possible = not CYRILLIC.search(as_latin)
        cyrillic_possible = not LATIN.search(as_cyrillic)
        end = start + len(word)
        if latin_possible != cyrillic_possible:
            replacement = as_latin if latin_possible else as_cyrillic
            language = "en" if latin_possible else "ru"
            known = zipf(replacement.lower(), language) > 0
            return Edit(start, end, replacement, "mixed-script", 0.95 if known else 0.8, note="other letters")
        if latin_possible:
            english = zipf(as_latin.lower(), "en")
            russian = zipf(as_cyrillic.lower(), "ru")
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line = text[line_start : line_end if line_end != -1 else len(text)]
            neighbours = len(CYRILLIC.findall(line)) - len(LATIN.findall(line))
            lean = russian - english + (1.0 if neighbours > 0 else -1.0 if neighbours < 0 else 0.0)
            replacement = as_cyrillic if lean > 0 else as_latin
            confidence = min(0.95, 0.5 + abs(lean) / 4)
            return Edit(start, end, replacement, "mixed-script", confidence, note="lexicons and neighbours")
        readings = self.readings(word.upper()) if word.isupper() else ()
        if readings and readings[0].cost / len(readings[0].cyrillic) <= self.confident_cost_per_letter:
            return Edit(start, end, readings[0].cyrillic, "mixed-script", 0.7, note="Russian lexicon")
        return None


@lru_cache(maxsize=8)
def _restorer(rules_dir: Path | None, overrides: tuple[str, ...]) -> ScriptRestorer:
    return ScriptRestorer(Settings(rules_dir=rules_dir, overrides=overrides).rules("script"), rules_dir)


def restorer(settings: Settings | None = None) -> ScriptRestorer:
    """The stage's restorer for a run's rules (default rules when no settings), cached per process."""
    settings = settings or Settings()
    return _restorer(settings.rules_dir, settings.overrides)


def run(document: Document, settings: Settings) -> list[Edit]:
    """Restore lines of capitals that are Cyrillic read as Latin, and mend mixed-script words."""
    script = restorer(settings)
    text = document.text
    return [*script.restore_lines(text), *script.mend_mixed_words(text)]
