"""Stage `script`: Cyrillic that OCR read as Latin look-alikes, and words that mix the two scripts.

A Latin OCR model reads Cyrillic capitals as Latin letters or groups of them (``П`` as ``N`` or ``II``,
``Ы`` as ``LI``), so a poster caption ``ВЕРХОВНОГО СОВЕТА`` comes out as ``BEPXOBHOIO COBETA``. This stage

- finds lines of capitals with a word that does not read as English and is made of letters Cyrillic
  capitals are misread as (a regex pass and set look-ups, so that ordinary English text costs almost
  nothing and the Russian lexicon is not even loaded);
- looks each Latin word of such a line up in wordfreq's Russian list: a best-first search walks the
  confusion table of ``rules/script.toml`` (each Cyrillic capital's Latin readings with their costs,
  plus a few generic OCR edits) and the lexicon's prefixes at once, so it finds every Russian word
  within reach of the reading, cheapest first; each is scored by its cost and its frequency;
- restores a line only when most of its letters find confident Russian readings and it does not read
  as English (English words, acronyms, Latin transliterations such as ``PRAVDA``); unsure words in a
  restored line are logged as suggestions with their candidates;
- mends words that mix Latin and Cyrillic letters (``Соmmunist``, ``Мocква``) to one script;
- optionally gives restored lines in Latin transliteration (BGN/PCGN or ISO 9, by ``iuliia``).
"""

from __future__ import annotations

import heapq
import math
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import iuliia
import regex
import wordfreq

from pipeline.core.disk_cache import cache_folder, load_or_build, source_stamp
from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.lexicon import user_words, zipf
from pipeline.core.rules import RuleTable
from pipeline.core.settings import Settings

SCHEMES = {"bgn_pcgn": iuliia.BGN_PCGN, "iso9": iuliia.GOST_779}
TRANSLITERATION_MODES = ("none", "latin", "both")
# Schemes whose spellings mark a word as a Latin transliteration that must stay (PRAVDA, ROSSIYA).
RECOGNISED_SCHEMES = (iuliia.BGN_PCGN, iuliia.GOST_779, iuliia.ALA_LC)

# A word of a line: letters and digits (OCR reads З as 3, Б as 6), the bar that stands for I, and the
# marks OCR reads inside a word for С or Ъ: ( and '. Readings made of other marks (}K for Ж) are
# added from the confusion table.
WORD_CHARACTER = r"[\p{L}\d|]"
CYRILLIC = regex.compile(r"\p{Cyrillic}")
LATIN = regex.compile(r"\p{Latin}")
# A letter of one script next to one of the other, letters of other scripts between allowed: every word
# that mixes Latin and Cyrillic has one. The scan stops only at letters of the script it starts from, the
# rarer one in the text, so it costs about one fast search.
MIXED_SCRIPT_PAIR = {
    script: regex.compile(
        rf"\p{{{script}}}(?:[^\P{{L}}\p{{Latin}}\p{{Cyrillic}}]*+\p{{{other}}}"
        rf"|(?<=\p{{{other}}}[^\P{{L}}\p{{Latin}}\p{{Cyrillic}}]*\p{{{script}}}))"
    )
    for script, other in (("Cyrillic", "Latin"), ("Latin", "Cyrillic"))
}
LETTERS = regex.compile(r"\p{L}*")
LETTERS_BEFORE = regex.compile(r"(?r)\p{L}*")
# Roman numerals of two letters or more (one letter may well be a Russian word: C for С, V for У).
ROMAN_NUMERAL = regex.compile(r"(?=[MDCLXVI]{2})M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
RUSSIAN_WORDS = regex.compile(r"(?m)^[а-яё]+$")
# Bumped whenever the way the lexicon is built changes, so that a cached one is built again.
LEXICON_FORMAT = 1
BRACKETED = regex.compile(r"\[[^\]\n]*\]")


@dataclass(frozen=True)
class Reading:
    """A Russian word a Latin word may stand for: its reading cost, frequency and overall score."""

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
    """A suspect line's Latin words (offset, word), its Cyrillic letters, whether it has an anchor."""

    words: list[tuple[int, str]]
    cyrillic_letters: int
    anchored: bool


class ReadingModel:
    """How Latin text reads as Cyrillic: each Latin letter or group with the Cyrillic it may stand for
    and the cost, plus generic edits (a Latin character read for nothing, a Cyrillic letter dropped, any
    character read for any letter) for OCR noise no reading explains.

    >>> model = ReadingModel({"LI": [("ы", 0.1)], "N": [("п", 0.2), ("и", 0.2)]}, 1, 1, 1)
    >>> model.options("NLI")[0]
    (('п', 1, 0.2), ('и', 1, 0.2))
    """

    def __init__(
        self,
        readings: dict[str, list[tuple[str, float]]],
        insert: float,
        delete: float,
        substitute: float,
        silent: dict[str, float] | None = None,
    ) -> None:
        self.readings = {
            latin: tuple(sorted(pairs, key=lambda pair: pair[1])) for latin, pairs in readings.items()
        }
        self.insert, self.delete, self.substitute = insert, delete, substitute
        # Cyrillic letters a reading may leave out at no Latin character (the soft sign in a transliteration).
        self.silent = silent or {}
        self.longest = max(map(len, self.readings), default=1)
        # Each reading as the options it gives at a position: (Cyrillic letter, length, cost).
        self._options = {
            latin: tuple((letter, len(latin), cost) for letter, cost in pairs)
            for latin, pairs in self.readings.items()
        }
        self.lookalikes = frozenset("".join(self.readings))

    @classmethod
    def from_confusions(cls, rules: RuleTable) -> ReadingModel:
        """The confusion table of ``rules/script.toml``: Latin readings of Cyrillic capitals with costs."""
        costs = rules.table("costs")
        confusions = rules.table("confusions")
        readings: dict[str, list[tuple[str, float]]] = {}
        for cyrillic in confusions:
            table = confusions.table(cyrillic)
            for latin in table:
                readings.setdefault(latin, []).append((cyrillic.lower(), table.number(latin, low=0)))
        return cls(
            readings,
            costs.number("insert", low=0),
            costs.number("delete", low=0),
            costs.number("substitute", low=0),
        )

    @classmethod
    def from_transliterations(cls, schemes: Iterable[iuliia.Schema]) -> ReadingModel:
        """How each Russian letter is spelled in capitals by the transliteration schemes, at no cost.

        Spellings are taken from the package itself, a letter alone and after a vowel and a consonant
        (``Е`` is ``YE`` after a vowel in BGN/PCGN); marks and apostrophes are dropped, so the soft and
        hard signs are silent.
        """
        readings: dict[str, set[str]] = {}
        silent: dict[str, float] = {}
        for scheme in schemes:
            for letter in "абвгдеёжзийклмнопрстуфхцчшщъыьэюя":
                for before in ("", "а", "б"):
                    spelled = _strip_marks(scheme.translate(before + letter)).upper()
                    spelled = spelled[len(_strip_marks(scheme.translate(before))) :]
                    if spelled:
                        readings.setdefault(spelled, set()).add(letter)
                    else:
                        silent[letter] = 0.0
        pairs = {latin: [(letter, 0.0) for letter in sorted(letters)] for latin, letters in readings.items()}
        return cls(pairs, math.inf, math.inf, math.inf, silent)

    def cheapest_cost(self, latin: str, generic: bool = True) -> float:
        """What the cheapest reading of a Latin word costs, whatever Russian word it gives (by the table
        alone: infinite when some character has no reading): a bound below the cost of any reading
        the lexicon holds, found without the lexicon.

        >>> model = ReadingModel({"LI": [("ы", 0.1)], "N": [("п", 0.2)]}, 1, 1, 1)
        >>> model.cheapest_cost("NLIS"), model.cheapest_cost("NLIS", generic=False)
        (1.3, inf)
        """
        return round(self.cheapest_rest(latin, generic)[0], 4)

    @lru_cache(maxsize=8192)  # noqa: B019 - a model lives for the process, per rules setting
    def cheapest_rest(self, latin: str, generic: bool = True) -> tuple[float, ...]:
        """For each position of a Latin word, what reading the rest of it costs at the least (with
        generic edits or by the table alone)."""
        rest = [0.0] * (len(latin) + 1)
        edit = min(self.insert, self.substitute) if generic else math.inf
        options = self.options(latin)
        for i in range(len(latin) - 1, -1, -1):
            least = edit + rest[i + 1]
            for _, length, cost in options[i]:
                if cost + rest[i + length] < least:
                    least = cost + rest[i + length]
            rest[i] = least
        return tuple(rest)

    @lru_cache(maxsize=8192)  # noqa: B019 - a model lives for the process, per rules setting
    def options(self, latin: str) -> tuple[tuple[tuple[str, int, float], ...], ...]:
        """For each position of a Latin word: the Cyrillic letters a reading starting there stands for,
        with the reading's length and cost, cheapest first (a Cyrillic letter stands for itself)."""
        options = []
        cyrillic = {match.start() for match in CYRILLIC.finditer(latin)}
        by_reading, longest, size = self._options, self.longest, len(latin)
        for i in range(size):
            here = [(latin[i].lower(), 1, 0.0)] if i in cyrillic else []
            for length in range(1, min(longest, size - i) + 1):
                here += by_reading.get(latin[i : i + length], ())
            here.sort(key=_cost_of_option)
            options.append(tuple(here))
        return tuple(options)


def _cost_of_option(option: tuple[str, int, float]) -> float:
    return option[2]


class RussianLexicon:
    """Russian words in lower case, sorted for prefix look-ups, with their Zipf frequencies beside them
    (in hundredths).

    >>> lexicon = RussianLexicon(["вот", "все", "всё"], array("H", [600, 650, 625]))
    >>> lexicon.zipf("ВСЕ"), "вс" in lexicon, lexicon.following("вс")
    (6.5, False, 'её')
    """

    def __init__(self, words: list[str], zipfs: array) -> None:
        self.words = words
        self.zipfs = zipfs
        self._following: dict[str, str] = {}
        self._spans: dict[str, tuple[int, int]] = {}

    @classmethod
    def from_wordfreq(cls, wordlist: str, size: int, extra_words: frozenset[str]) -> RussianLexicon:
        """The ``size`` most frequent words of wordfreq's Russian list, and the user's Russian words.

        The list is read as it is stored (words in frequency bands), apart from wordfreq's own cache,
        which would keep all 700,000 words of the large list, and without its dictionary.
        """
        frequency: dict[str, float] = {}
        bands = wordfreq.read_cBpack(wordfreq.available_languages(wordlist)["ru"])
        for band, words in enumerate(bands):
            zipf = round(9 - band / 100, 2)  # bands are centibels below a frequency of 1
            frequency.update(dict.fromkeys(RUSSIAN_WORDS.findall("\n".join(words)), zipf))
            if len(frequency) >= size:
                break
        del bands
        for word in extra_words:
            if RUSSIAN_WORDS.fullmatch(word.lower()):
                frequency.setdefault(word.lower(), 0.0)
        words = sorted(frequency)
        return cls(words, array("H", (round(frequency[word] * 100) for word in words)))

    def _index(self, word: str) -> int:
        """Where the word stands in the lexicon, or -1."""
        at = bisect_left(self.words, word)
        return at if at < len(self.words) and self.words[at] == word else -1

    def __contains__(self, word: str) -> bool:
        return self._index(word) >= 0

    def zipf(self, word: str) -> float:
        """The word's Zipf frequency (0 when the lexicon does not hold it), any case."""
        at = self._index(word.lower())
        return self.zipfs[at] / 100 if at >= 0 else 0.0

    def following(self, prefix: str) -> str:
        """The letters that follow ``prefix`` in some word of the lexicon (cached).

        >>> "о" in restorer().lexicon.following("ст"), "ъ" in restorer().lexicon.following("ст")
        (True, False)
        """
        letters = self._following.get(prefix)
        if letters is None:
            words, size = self.words, len(prefix)
            start, end = self.span(prefix)
            if end - start <= 16:  # a few words: look at them all
                letters = "".join(sorted({word[size] for word in words[start:end] if len(word) > size}))
            else:  # many: jump from one following letter to the next
                found = []
                while start < end:
                    if len(words[start]) > size:
                        found.append(words[start][size])
                        start = bisect_left(words, prefix + chr(ord(words[start][size]) + 1), start, end)
                    else:
                        start += 1
                letters = "".join(found)
            if len(self._following) > 200_000:
                self._following.clear()  # a bound on memory for long runs with much OCR debris
                self._spans.clear()
            self._following[prefix] = letters
        return letters

    def span(self, prefix: str) -> tuple[int, int]:
        """Where the words that begin with ``prefix`` stand in the lexicon (cached): each search looks
        only inside the span of the prefix one letter shorter."""
        span = self._spans.get(prefix)
        if span is None:
            if not prefix:
                span = (0, len(self.words))
            else:
                low, high = self.span(prefix[:-1])
                start = bisect_left(self.words, prefix, low, high)
                end = bisect_left(self.words, prefix[:-1] + chr(ord(prefix[-1]) + 1), start, high)
                span = (start, end)
            self._spans[prefix] = span
        return span

    def search(
        self,
        latin: str,
        model: ReadingModel,
        max_edits: int,
        window: float,
        steps: int,
        limit: float = math.inf,
    ) -> dict[str, float]:
        """Russian words within reach of a Latin word's readings, with the cheapest cost of each.

        A best-first walk over the word's positions and the lexicon's prefixes together: readings of
        the table cost what the table says, and at most ``max_edits`` generic edits are made. Words are
        found cheapest first; the walk stops ``window`` past the cheapest, at ``limit``, or after
        ``steps`` states.
        """
        options = model.options(latin)
        # A* search: a state is ranked by its cost so far plus the least the rest of the word can cost;
        # states ranked past the ceiling are not even queued.
        rest = model.cheapest_rest(latin, generic=max_edits > 0)
        end = len(latin)
        silent = model.silent
        insert, delete, substitute = model.insert, model.delete, model.substitute
        following_cache, push, pop = self._following, heapq.heappush, heapq.heappop
        heap: list[tuple[float, float, int, str, int]] = [(rest[0], 0.0, 0, "", 0)]
        settled: dict[tuple[int, str], int] = {}
        found: dict[str, float] = {}
        ceiling = limit
        unsettled = max_edits + 1
        while heap and steps:
            rank, cost, at, prefix, edits = pop(heap)
            if rank > ceiling:
                break
            state = (at, prefix)
            if settled.get(state, unsettled) <= edits:
                continue  # reached before, as cheaply and with no fewer edits left
            settled[state] = edits
            steps -= 1
            if at == end and prefix not in found and prefix in self:
                found[prefix] = round(cost, 4)
                ceiling = min(ceiling, cost + window)
            more_edits = edits < max_edits
            if at == end and not more_edits and not silent:
                continue  # nothing left to read or add
            following = following_cache.get(prefix)
            if following is None:
                following = self.following(prefix)
            if at < end:
                for letter, length, step in options[at]:
                    if letter in following:
                        new = cost + step
                        new_rank = new + rest[at + length]
                        if new_rank <= ceiling:
                            push(heap, (new_rank, new, at + length, prefix + letter, edits))
            for letter, step in silent.items():
                if letter in following and rank + step <= ceiling:
                    push(heap, (rank + step, cost + step, at, prefix + letter, edits))
            if more_edits:
                more = edits + 1
                if at < end:
                    new = cost + insert
                    new_rank = new + rest[at + 1]
                    if new_rank <= ceiling:
                        push(heap, (new_rank, new, at + 1, prefix, more))
                new_rank = rank + delete
                if new_rank <= ceiling:
                    new = cost + delete
                    for letter in following:
                        push(heap, (new_rank, new, at, prefix + letter, more))
                if at < end:
                    new = cost + substitute
                    new_rank = new + rest[at + 1]
                    if new_rank <= ceiling:
                        for letter in following:
                            push(heap, (new_rank, new, at + 1, prefix + letter, more))
        return found


def word_pattern(model: ReadingModel) -> regex.Pattern[str]:
    """Words of a line: runs of letters, digits and the table's readings that hold other marks.

    >>> word_pattern(ReadingModel({"}K": [("ж", 0.3)], "I-I": [("н", 0.2)]}, 1, 1, 1)).findall("}KEI-IA, A-B")
    ['}KEI-IA', 'A', 'B']
    """
    marked = sorted(
        (latin for latin in model.readings if not regex.fullmatch(rf"{WORD_CHARACTER}+", latin)), key=len
    )
    unit = "|".join([*map(regex.escape, reversed(marked)), WORD_CHARACTER])
    return regex.compile(rf"(?:{unit})+(?:['(](?:{unit})+)*")


@lru_cache(maxsize=4)
def russian_lexicon(
    wordlist: str, size: int, extra_words: frozenset[str], cache: Path | None = None
) -> RussianLexicon:
    """The Russian lexicon, once per process; kept in ``cache`` (a folder) when given, as reading it
    back takes a fifth of the time building it from wordfreq's list takes."""

    def build() -> tuple[list[str], bytes]:
        lexicon = RussianLexicon.from_wordfreq(wordlist, size, extra_words)
        return lexicon.words, lexicon.zipfs.tobytes()

    source = source_stamp(wordfreq.available_languages(wordlist)["ru"])
    built_from = (LEXICON_FORMAT, size, sorted(extra_words), *source)
    words, zipfs = load_or_build("russian-lexicon", built_from, build, cache)
    return RussianLexicon(words, array("H", zipfs))


def lexicon_cache_folder() -> Path:
    """Where the lexicon is kept between runs: ``$XDG_CACHE_HOME/scanclean`` (``~/.cache/scanclean``)."""
    return cache_folder()


@lru_cache(maxsize=4)
def english_lexicon(min_zipf: float) -> dict[str, float]:
    """wordfreq's English words at least ``min_zipf`` frequent, in capitals, with their Zipf frequency.

    wordfreq's small list holds the words of Zipf 3 and more and loads in a few milliseconds.

    >>> "THE" in english_lexicon(3.0), "COBETA" in english_lexicon(3.0)
    (True, False)
    """
    frequency: dict[str, float] = {}
    for band, words in enumerate(wordfreq.get_frequency_list("en", "small" if min_zipf >= 3 else "large")):
        zipf = round(9 - band / 100, 2)
        if zipf < min_zipf:
            break
        for word in "\n".join(words).upper().split("\n"):
            frequency.setdefault(word, zipf)
    return frequency


@lru_cache(maxsize=1)
def transliteration_model() -> ReadingModel:
    """How Russian words are spelled in the transliteration schemes recognised (cached)."""
    return ReadingModel.from_transliterations(RECOGNISED_SCHEMES)


def mixed_script_words(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the words (runs of letters) that mix Latin and Cyrillic letters, in text order.

    A scan for a letter of the text's rarer script next to one of the other finds each such word; a
    pattern for the whole word would try every letter of every word as a start, each a search of the rest
    of its word.

    >>> text = "Мocква and Coветская, not Москва"
    >>> [text[start:end] for start, end in mixed_script_words(text)]
    ['Мocква', 'Coветская']
    """
    sample = text[:4096]
    rarer = "Cyrillic" if len(CYRILLIC.findall(sample)) <= len(LATIN.findall(sample)) else "Latin"
    pattern = MIXED_SCRIPT_PAIR[rarer]
    position = 0
    while pair := pattern.search(text, position):
        start = LETTERS_BEFORE.match(text, 0, pair.start()).start()
        position = LETTERS.match(text, pair.end()).end()
        yield start, position


def _same_stem(first: str, second: str) -> bool:
    """Two forms of one word, as far as a reading goes: they differ only in their last two letters.

    >>> _same_stem("ПРОЛЕТАРИИ", "ПРОЛЕТАРИЙ"), _same_stem("ПЕРЕШЛА", "ПЕРЕЙРА")
    (True, False)
    """
    stem = max(3, min(len(first), len(second)) - 2)
    return len(first) > 3 and len(second) > 3 and first[:stem] == second[:stem]


def _by_score(reading: Reading) -> float:
    return reading.score


def _strip_marks(text: str) -> str:
    """Latin letters without diacritics or the apostrophes of soft and hard signs (for comparing)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if char.isalnum())


class ScriptRestorer:
    """Everything the stage knows for one rules setting; cached per process, lexicons built on demand."""

    def __init__(self, rules: RuleTable, user_dir: Path | None = None) -> None:
        self.rules = rules
        self.user_dir = user_dir
        self.model = ReadingModel.from_confusions(rules)
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
        # (The lowercase test first, possessive: a line of prose fails at its first lowercase letter.)
        self.capital_line = regex.compile(
            rf"(?m)^[^\n\p{{Ll}}]*+(?:[{lowercase}][^\n\p{{Ll}}]*+)*+$(?<=\p{{Lu}}\p{{Lu}}[^\n]*)"
            if lowercase
            else r"(?!)"
        )
        self.token = word_pattern(self.model)
        self.frequency_weight = word.number("frequency_weight", low=0)
        self.max_cost_per_letter = word.number("max_cost_per_letter", low=0)
        self.confident_cost_per_letter = word.number("confident_cost_per_letter", low=0)
        self.clear_margin = word.number("clear_margin", low=0.01)
        self.min_margin = word.number("min_margin", low=0)
        self.min_word_confidence = word.number("min_word_confidence", low=0, high=1)
        self.confident_cost_allowance = word.number("confident_cost_allowance", low=0)
        self.lone_word_cost_per_letter = word.number("lone_word_cost_per_letter", low=0)
        self.anchor_cost_per_letter = word.number("anchor_cost_per_letter", low=0)
        self.anchor_score_per_letter = word.number("anchor_score_per_letter", low=0)
        self.anchor_noise_edits = word.integer("anchor_noise_edits", low=0)
        self.lookalike_only_confidence = word.number("lookalike_only_confidence", low=0, high=1)
        search = rules.table("search")
        self.max_noise_edits = search.integer("max_noise_edits", low=0)
        self.search_window = search.number("window", low=0)
        self.search_steps = search.integer("steps", low=1)
        self.acronyms = frozenset(rules.table("acronyms").strings("words"))
        self.lexicon_wordlist = rules.text("lexicon_wordlist", choices=("small", "large"))
        self.lexicon_size = rules.integer("lexicon_size", low=1)
        self.lexicon_cache = rules.flag("lexicon_cache")
        self.transliteration = rules.text("transliteration", choices=TRANSLITERATION_MODES)
        self.scheme = SCHEMES[rules.text("scheme", choices=tuple(SCHEMES))]
        homoglyphs = rules.table("homoglyphs")
        self.to_latin = {cyrillic: homoglyphs.text(cyrillic) for cyrillic in homoglyphs}
        self.to_cyrillic = {latin: cyrillic for cyrillic, latin in self.to_latin.items()}
        # One-to-one look-alikes of capitals, for spelling an unknown word of a restored line.
        self.exact_capitals = {
            latin: cyrillic
            for latin, cyrillic in self.to_cyrillic.items()
            if latin.isupper() and RUSSIAN_WORDS.fullmatch(cyrillic.lower())
        }
        fixes = rules.table("transliteration_fixes")
        self.transliteration_fixes = {char: fixes.text(char) for char in fixes}
        self._readings: dict[str, tuple[Reading, ...]] = {}
        self._close_readings: dict[tuple[str, bool], tuple[Reading, ...]] = {}
        self._verdicts: dict[str, tuple[tuple[Reading, ...], bool, float]] = {}
        self._english: dict[str, bool] = {}
        self._scripts: dict[str, tuple[bool, bool]] = {}
        self._suspects: dict[str, bool] = {}
        self._english_by_table: dict[str, bool] = {}

    @cached_property
    def lexicon(self) -> RussianLexicon:
        """The Russian lexicon, loaded on first use (only when a line reads as Russian somewhere)."""
        cache = lexicon_cache_folder() if self.lexicon_cache else None
        return russian_lexicon(self.lexicon_wordlist, self.lexicon_size, user_words(self.user_dir), cache)

    @property
    def english(self) -> dict[str, float]:
        """English words in capitals that count as English evidence, with their Zipf frequencies."""
        return english_lexicon(self.english_min_zipf)

    # The words of a line ------------------------------------------------------------------------------

    def reads_as_english(self, word: str) -> bool:
        """An English word or a known acronym (a set look-up).

        Short words (``TO``, ``HE``, ``B``) are English and Russian alike, so they are no evidence.
        """
        if word in self.acronyms or word.upper() in self.acronyms:
            return True
        return len(word) >= self.english_min_length and word.upper() in self.english

    def is_transliteration(self, word: str) -> bool:
        """Whether the word spells a frequent Russian word in some transliteration scheme.

        >>> restorer().is_transliteration("PRAVDA"), restorer().is_transliteration("COBETA")
        (True, False)
        """
        if not word.isalpha() or len(word) < self.english_min_length:
            return False
        return self.transliterated_zipf(word) >= self.transliteration_min_zipf

    def transliterated_zipf(self, word: str) -> float:
        """How frequent the most frequent Russian word is that ``word`` transliterates (or 0)."""
        found = self.lexicon.search(word.upper(), transliteration_model(), 0, 0.0, self.search_steps)
        return max(map(self.lexicon.zipf, found), default=0.0)

    def is_transliteration_only(self, verdict: WordVerdict) -> bool:
        """A transliteration, and not as frequent a word read confidently by the table: ``KTO`` spells
        ``КТО`` both ways, ``HET`` is ``ХЕТ`` in ISO 9 but ``НЕТ`` to the eye."""
        if verdict.english or not self.is_transliteration(verdict.latin):
            return False
        if not verdict.confident:
            return True
        return self.transliterated_zipf(verdict.latin) > verdict.readings[0].zipf

    def is_suspect(self, word: str) -> bool:
        """Cheap: a word that is not English and is made of letters Cyrillic capitals are misread as.

        >>> restorer().is_suspect("COBETA"), restorer().is_suspect("SECRETARY")
        (True, False)
        """
        if len(word) < 2 or self.reads_as_english(word) or ROMAN_NUMERAL.fullmatch(word):
            return False
        lookalike = sum(char in self.model.lookalikes for char in word)
        return lookalike >= self.min_lookalike_share * len(word)

    def readings(self, word: str) -> tuple[Reading, ...]:
        """Russian words the Latin ``word`` may stand for, best first (cached per process).

        The search first follows the confusion table only, then allows one generic OCR edit, then more
        up to ``max_noise_edits``, as long as no reading is confident: each edit allowed widens the
        search many times over, and a word read well needs none.
        """
        if word not in self._readings:
            cheapest_edit = min(self.model.insert, self.model.delete, self.model.substitute)
            best: tuple[Reading, ...] = ()
            for edits in range(self.max_noise_edits + 1):
                if edits and edits * cheapest_edit > self.confident_cost(len(word) + edits):
                    break  # a word this short read with this many edits is never confident
                best = self._search(self.lexicon, word, edits)
                if best and best[0].cost <= self.confident_cost(len(best[0].cyrillic)):
                    break
            self._readings[word] = best
        return self._readings[word]

    def close_readings(self, word: str, noisy: bool = False) -> tuple[Reading, ...]:
        """Russian words the table reads ``word`` as (``noisy``: with at most ``anchor_noise_edits``
        generic edits), at most ``anchor_cost_per_letter`` a letter (cached per process)."""
        if (word, noisy) not in self._close_readings:
            edits = self.anchor_noise_edits if noisy else 0
            limit = self.anchor_cost_per_letter * (len(word) + edits)
            if min(self.model.insert, self.model.delete, self.model.substitute) > limit:
                edits = 0  # no generic edit fits in a short word's allowance
            readings = self._search(self.lexicon, word, edits, limit)
            self._close_readings[word, noisy] = tuple(
                reading
                for reading in readings
                if reading.cost <= self.anchor_cost_per_letter * len(reading.cyrillic)
            )
        return self._close_readings[word, noisy]

    def _search(
        self, lexicon: RussianLexicon, word: str, edits: int, limit: float = math.inf
    ) -> tuple[Reading, ...]:
        found = lexicon.search(word, self.model, edits, self.search_window, self.search_steps, limit)
        readings = []
        for candidate, cost in found.items():
            if cost <= self.max_cost_per_letter * len(candidate):
                zipf = lexicon.zipf(candidate)
                score = round(cost + self.frequency_weight * (7 - zipf), 4)
                readings.append(Reading(candidate.upper(), cost, zipf, score))
        return tuple(sorted(readings, key=_by_score))

    def confident_cost(self, letters: int) -> float:
        """The most a confident reading of a word of so many letters may cost."""
        return self.confident_cost_per_letter * letters + self.confident_cost_allowance

    def english_evidence(self, word: str) -> bool:
        """Cached ``reads_as_english_only``."""
        if word not in self._english:
            self._english[word] = self.reads_as_english_only(word)
        return self._english[word]

    def reads_as_english_only(self, word: str) -> bool:
        """The word reads as English, and not as a Russian word as frequent read closely by the table.

        ``TOT`` and ``BCE`` are English and Russian (``ТОТ``, ``ВСЕ``) alike, ``MAU`` reads better as
        ``МАЙ``: evidence for neither. Only words with a close reading at all need the lexicon.

        >>> restorer().english_evidence("THE"), restorer().english_evidence("TOT")
        (True, False)
        """
        if word in self.acronyms:
            return True
        if not word.isupper() or not self.reads_as_english(word):
            return False
        if not self.reads_closely(word):
            return True
        english = self.english.get(word.upper(), 0.0)
        return not any(reading.zipf >= english for reading in self.close_readings(word))

    def reads_closely(self, word: str, noisy: bool = False) -> bool:
        """Cheap, without the lexicon: some reading of the word by the table alone (``noisy``: with
        generic edits) is close."""
        generic = noisy and self.anchor_noise_edits > 0
        return self.model.cheapest_cost(word, generic) <= self.anchor_cost_per_letter * len(word)

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
        allowed = self.confident_cost(len(best.cyrillic))
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
            verdicts = self.judge_line(line, beside)
            if verdicts is not None and self.reads_as_russian(verdicts, line.cyrillic_letters, beside):
                judged[number] = verdicts
                restored.add(number)
                pending.update(n for n in (number - 1, number + 1) if n in lines and n not in restored)
        for number in sorted(restored):
            yield from self.line_edits(judged[number])

    def suspect_lines(self, text: str) -> Iterator[tuple[int, SuspectLine]]:
        """Lines of capitals with a word that may be Cyrillic read as Latin, by line number.

        Cheap checks (set look-ups, the table alone) come first; the Russian lexicon is loaded only to
        look for an anchor (see ``is_anchor``) in a line that may have one.
        """
        number, counted = 0, 0
        for line in self.capital_line.finditer(text):
            content = line.group()
            tokens = [(match.start(), match.group()) for match in self.token.finditer(content)]
            if "[" in content:
                # Square brackets hold editors' notes and this stage's own transliterations: left alone.
                notes = [match.span() for match in BRACKETED.finditer(content)]
                tokens = [
                    (offset, word)
                    for offset, word in tokens
                    if not any(start <= offset < end for start, end in notes)
                ]
            scripts = [self.scripts(word) for _, word in tokens]
            latin = [
                (line.start() + offset, word)
                for (offset, word), (has_latin, has_cyrillic) in zip(tokens, scripts, strict=True)
                if has_latin and not has_cyrillic
            ]
            if not any(self.suspect(word) for _, word in latin):
                continue
            words = [(start, word) for start, word in latin if not ROMAN_NUMERAL.fullmatch(word)]
            cyrillic_letters = sum(
                len(word)
                for (_, word), (_, has_cyrillic) in zip(tokens, scripts, strict=True)
                if has_cyrillic
            )
            total = cyrillic_letters + sum(len(word) for _, word in words)
            english = sum(len(word) for _, word in words if self.english_by_table(word))
            if english > self.max_english_share * total:
                continue
            number += text.count("\n", counted, line.start())
            counted = line.start()
            anchored = cyrillic_letters > 0 or self.has_anchor(words)
            yield number, SuspectLine(words, cyrillic_letters, anchored)

    # Cheap facts about a word of a line of capitals, cached: a text in capitals has every word in one.

    def scripts(self, word: str) -> tuple[bool, bool]:
        """Whether the word holds Latin letters, and whether it holds Cyrillic ones."""
        facts = self._scripts.get(word)
        if facts is None:
            facts = (bool(LATIN.search(word)), bool(CYRILLIC.search(word)))
            self._remember(self._scripts, word, facts)
        return facts

    def suspect(self, word: str) -> bool:
        """Cached ``is_suspect``."""
        verdict = self._suspects.get(word)
        if verdict is None:
            verdict = self.is_suspect(word)
            self._remember(self._suspects, word, verdict)
        return verdict

    def english_by_table(self, word: str) -> bool:
        """An English word that no close reading by the table alone makes Russian (cached; see
        ``reads_as_english_only``, which also asks the lexicon)."""
        verdict = self._english_by_table.get(word)
        if verdict is None:
            verdict = self.reads_as_english(word) and not self.reads_closely(word)
            self._remember(self._english_by_table, word, verdict)
        return verdict

    @staticmethod
    def _remember(cache: dict, word: str, value: object) -> None:
        if len(cache) >= 200_000:
            cache.clear()  # a bound on memory for long texts in capitals
        cache[word] = value

    def may_be_anchor(self, word: str) -> bool:
        """Cheap, without the lexicon: the word could be an anchor."""
        return (
            len(word) >= self.english_min_length
            and word not in self.acronyms
            and not self.reads_as_english(word)
            and self.reads_closely(word, noisy=True)
        )

    def is_anchor(self, word: str, noisy: bool = False) -> bool:
        """A word that reads closely, by the table alone (``noisy``: with a generic edit or so), as a
        frequent Russian word (``COBETA``).

        A line with no such word is not looked up alone: that keeps names in capitals (``AHEARN``) and
        English OCR debris (``THF`` for ``THE``) from being searched with noise edits, or read as Russian.
        """
        return self.may_be_anchor(word) and any(
            reading.score <= self.anchor_score_per_letter * len(reading.cyrillic)
            for reading in self.close_readings(word, noisy)
        )

    def has_anchor(self, words: list[tuple[int, str]]) -> bool:
        """Whether a line's words hold an anchor; a noisy one counts only in a line with no English word."""
        if any(self.is_anchor(word) for _, word in words):
            return True
        if any(self.reads_as_english(word) for _, word in words):
            return False
        return any(self.is_anchor(word, noisy=True) for _, word in words)

    def judge_line(self, line: SuspectLine, beside_russian: bool) -> list[WordVerdict] | None:
        """The verdicts on a line's words, or None as soon as too many letters have failed for the line
        to read as Russian (OCR debris in capitals is not searched to the end)."""
        threshold = self.min_russian_share_beside_russian if beside_russian else self.min_russian_share
        total = line.cyrillic_letters + sum(len(word) for _, word in line.words)
        allowed = (1 - threshold) * total
        # English evidence first: it is cheaper than a word's search, and OCR debris fails on it early.
        english = [self.english_evidence(word) for _, word in line.words]
        lost = sum(len(word) for (_, word), evidence in zip(line.words, english, strict=True) if evidence)
        if lost > allowed:
            return None
        verdicts = []
        for (start, word), evidence in zip(line.words, english, strict=True):
            verdict = self.judge(start, word, evidence)
            verdicts.append(verdict)
            lost += len(word) if not (evidence or verdict.confident) else 0
            if lost > allowed:
                return None
        return verdicts

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
        english += sum(len(verdict.latin) for verdict in verdicts if self.is_transliteration_only(verdict))
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
        if not CYRILLIC.search(text):
            return
        for start, end in mixed_script_words(text):
            edit = self.mend_mixed_word(text, start, text[start:end])
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
            known = (
                zipf(replacement.lower(), "en") if latin_possible else self.lexicon.zipf(replacement)
            ) > 0
            return Edit(start, end, replacement, "mixed-script", 0.95 if known else 0.8, note="other letters")
        if latin_possible:
            english = zipf(as_latin.lower(), "en")
            russian = self.lexicon.zipf(as_cyrillic)
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
