"""Stage `ocr`: OCR character confusions repaired by a noisy channel; doubled words suggested.

A word read by OCR that no lexicon knows (wordfreq's English list, the document's own words, the user's
word lists in ``rules/lexicon/``) is compared with candidate words found two ways: by undoing the
confusions of ``rules/ocr.toml`` (``rn`` read for ``m``, ``li`` for ``h``) and by a SymSpell-style
deletion index over wordfreq's most frequent words. Each candidate scores its word frequency (zipf) less
the channel cost of its being read as what OCR gave; the word as read competes with a prior for words in
no lexicon. The best candidate is applied when its posterior reaches ``ocr.confidence`` and suggested
when it reaches ``ocr.suggest_confidence``. Names, transliterations, numbers, abbreviations and words
split at a line end (or broken inside a line: ``pro-bably``) are left as the author wrote them.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate, pairwise

import regex
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pipeline.core.disk_cache import cache_folder, load_or_build
from pipeline.core.document import Document
from pipeline.core.edits import Edit, drop_overlapping
from pipeline.core.large_text import count_matches
from pipeline.core.letter_model import english_letter_model
from pipeline.core.lexicon import common_zipf, user_words, word_frequencies, zipf
from pipeline.core.rules import RuleTable
from pipeline.core.settings import Settings
from pipeline.core.settle import settle
from pipeline.core.word_pairs import WordPairs, english_word_pairs

_NUMBER_LIKE = regex.compile(r"\d+(?:[.,/:]\d+)*\p{L}{0,2}")
# A letter of another script (a token's other characters are digits, apostrophes and marks).
_NON_LATIN = regex.compile(r"[^\P{L}\p{Script=Latin}]")
# Letter case no printed word has: a capital after a small letter (`aU`), or two capitals before small
# letters (`VVoroshilov`, `THe`).
_BROKEN_CASE = regex.compile(r"\p{Ll}\p{Lu}|^\p{Lu}{2}\p{Ll}")
# A mark between two letters of a token (`sign»d`, `H~e`): no printed word has one (at a word's edge, a
# mark may be punctuation: `\Works`, `|Name`).
_MARK_INSIDE = regex.compile(r"\p{L}[^\p{L}\p{N}'’]+\p{L}")
# Two same words: word boundaries here (so a word after `_` or a digit does not count), and an apostrophe
# or a hyphen either side tested on each match (a word of `don't`, `well-being`): three times faster
# than a lookbehind at every word.
_DOUBLED = regex.compile(r"\b(\p{L}+)([ \t]+|[ \t]*\n[ \t]*)(\1)\b", regex.I)
_JOINING_MARKS = frozenset("'’-")
# A full stop, comma, semicolon or colon between a space (or a line end) and a word in small letters
# (`the .premises`, `and ,the`): no print sets one so; and a full stop after a word (a space or a line end
# may part them: the reflow stage joins the lines), before one in small letters, tested against the list
# of words that end no sentence; the word not itself after a letter, a digit, a full stop or a letter's
# apostrophe (`i.e. the`, `o'. the`, `4to. cloth`).
_MARK_BEFORE_WORD = regex.compile(r"[.,;:](?<=\p{L}[ \t\n].)(?=\p{Ll}\p{L})")
_FULL_STOP_BEFORE_SMALL = regex.compile(
    r"\.(?=[ \t]+(?P<next>\p{Ll}+))(?<=(?<![\p{L}\p{N}.-])(?<!\p{L}['’])(?P<word>\p{L}+)[ \t]*\n?[ \t]*\.)"
)
# A small letter of the English alphabet (`à` is a word) standing alone between two words on one line,
# with a comma, semicolon or colon after it (`been n, taken`): the word before may end with such a mark
# or a full stop, and a space may stand before the mark (`The b , prosecutor`: the typography stage
# removes it); each word is whole (not part of `i.e.`, `o'clock` or `forty-two`).
_LETTER_ALONE = regex.compile(
    r"(?<=(?<![\p{L}\p{N}'’.-])(?P<before>\p{L}+)(?:[ \t]*[.,;:])?[ \t]+)"
    r"(?P<letter>[a-z])(?:[ \t]*[,;:])?[ \t]+"
    r"(?=(?P<after>\p{L}+)(?![\p{L}\p{N}]|['’.-]\p{L}))"
)
_SENTENCE_END = frozenset(".!?")
_BEFORE_CAPITAL = regex.compile(r"[ \t]*\n?[ \t]*\p{Lu}")
# Candidate scores and channel costs are kept for the process, up to this many words each (100,000 took a
# 50 MB file to 9.9 times its size in memory; the goal is below 10).
_CACHE_LIMIT = 50_000
# How far from an applied repair a token's verdict may change: the word-before search reaches back 40
# characters; the sentence-start, line-start and line-end tests look at a few around the token.
_NEAR = 45
_APOSTROPHE = regex.compile(r"['’]")
_DOUBLED_LETTER = regex.compile(r"(\p{L})\1+")
# Letters old print used for one another (`vnto`, `iust`, `voyce`), as the modern letter.
_OLD_PRINT_LETTERS = str.maketrans("vjy", "uii")
# Searched backwards ((?r)), from the token: ten times faster than trying every start before it. An
# apostrophe after a letter ends a contraction's part (`don't`: `t` is no word); a quote mark at either
# side of the space between two words leaves them neighbours (`'to ntake`, `‘to ntake`, `said' tbe`), so
# a word reads the same once the typography stage has turned such a mark or removed it as a speck.
_WORD_BEFORE = regex.compile(r"(?r)(?<![\p{L}-])(?<!\p{L}['’])(\p{L}+)['‘’]?[ \t]*\n?[ \t]*['‘’]?$")
# The word that ends at a position (matched backwards from it), and the one that starts at a position.
_WORD_ENDING_AT = regex.compile(r"(?r)\p{L}+")
_WORD_STARTING_AT = regex.compile(r"\p{L}+")
_WORD_AFTER = regex.compile(r"['‘’]?[ \t]*\n?[ \t]*['‘’]?(\p{L}+)(?![\p{L}-]|['’]\p{L})")


@lru_cache(maxsize=8)
def token_pattern(marks: str) -> regex.Pattern[str]:
    """A token: letters and digits (digits are often letters misread: `bro1ught`) with inner apostrophes,
    and the ``marks`` OCR reads for letters (``hi«`` for ``his``, ``H~e`` for ``He``). A token of marks
    alone has no letter to judge: punctuation, left as it is (a class of characters, not a pattern that
    looks around each mark: the stage reads every token several times).

    >>> token_pattern("«»~|").findall("hi« H~e « and l|ke ~5 don't «Oui»")
    ['hi«', 'H~e', '«', 'and', 'l|ke', '~5', "don't", '«Oui»']
    """
    escaped = "".join(regex.escape(char) for char in marks)
    return regex.compile(rf"[\p{{L}}\p{{N}}{escaped}]+(?:['’]\p{{L}}+)*")


def letter_marks(text: str, marks: str, quote_pairs: tuple[str, ...]) -> str:
    """The ``marks`` that OCR reads for letters in this text: all of them, but a pair of quotation marks
    (``«»``) only where the text does not quote with it.

    >>> letter_marks("«Oui», a~nd", "«»~|", ("«»",)), letter_marks("hi« «aid", "«»~|", ("«»",))
    ('~|', '«»~|')
    """
    quoting = "".join(pair for pair in quote_pairs if _quotes_with(text, pair))
    return "".join(mark for mark in marks if mark not in quoting)


def _quotes_with(text: str, pair: str) -> bool:
    """Whether a text sets a pair of marks as quotation marks: never between two letters (``sign»d``), and
    at a word's edge always opening or closing in one orientation (``«Oui»``, or ``»Haus«`` as German
    print has it); OCR's misreadings of them stand at either edge (``hi«``, ``»hip``).

    >>> _quotes_with("«Oui», dit-il, «non»", "«»"), _quotes_with("the hi« and «aid", "«»")
    (True, False)
    """
    if not any(mark in text for mark in pair):
        return False
    marks = regex.escape(pair)
    if regex.search(rf"\p{{L}}[{marks}]\p{{L}}", text):
        return False
    opening = Counter(regex.findall(rf"[{marks}](?=\p{{L}})", text))
    closing = Counter(regex.findall(rf"(?<=\p{{L}})[{marks}]", text))
    first, second = pair
    return any(
        opening[opens] and closing[closes] and not opening[closes] and not closing[opens]
        for opens, closes in ((first, second), (second, first))
    )


@dataclass(frozen=True)
class Verdict:
    """What the channel says of one word: the best reading, its posterior, and the runners-up; ``shown``
    where it is worth a suggestion at least (likely enough, and not the document's own spelling)."""

    best: str
    posterior: float
    others: tuple[tuple[str, float], ...]
    shown: bool = True


class Channel:
    """Cost of print being read as what OCR gave: the confusion table's costs, defaults for the rest.

    The two spellings are aligned by rapidfuzz; each run of differing characters is then costed by the
    cheapest way the table explains it, so ``rn`` read for ``m`` costs one table entry, not two edits.

    >>> channel = Channel({("rn", "m"): 2.9}, substitution=3.8, insertion=3.6, deletion=3.4,
    ...                   doubled=1.6, case=3.0)
    >>> channel.cost("rnore", "more"), channel.cost("VVoroshilov", "Voroshilov")
    (2.9, 1.6)
    """

    def __init__(
        self,
        table: dict[tuple[str, str], float],
        *,
        substitution: float,
        insertion: float,
        deletion: float,
        doubled: float,
        case: float,
    ) -> None:
        self.table = table
        self.substitution, self.insertion, self.deletion = substitution, insertion, deletion
        self.doubled, self.case = doubled, case
        # Segment length pairs longer than one-for-one: the run alignment looks only for these.
        self._long = [(o, t, cost) for (o, t), cost in table.items() if len(o) + len(t) > 2]
        # What OCR reads for letters that is no letter, digit or apostrophe (`|` for `l`, `«` for `s`, a
        # speck `~` in `H~e`): a word may hold it (see ``token_pattern``).
        self.marks = "".join(sorted({c for o, _ in table for c in o if not c.isalnum() and c not in "'’"}))
        self._costs: dict[tuple[str, str], float] = {}
        self._run_costs: dict[tuple[str, str], float] = {}

    def cost(self, ocr: str, truth: str) -> float:
        """-log10 of the chance that ``truth`` in print was read as ``ocr``."""
        key = (ocr, truth)
        cost = self._costs.get(key)
        if cost is None:
            if len(self._costs) >= _CACHE_LIMIT:
                self._costs.clear()
            cost = 0.0
            for run in differing_runs(ocr, truth):
                run_cost = self._run_costs.get(run)
                if run_cost is None:
                    if len(self._run_costs) >= _CACHE_LIMIT:
                        self._run_costs.clear()
                    run_cost = self._run_costs[run] = self._align(*run)
                cost += run_cost
            # A letter read twice is told by its neighbour, which the run may not hold.
            cost = self._costs[key] = round(min(cost, self._doubled_letter(ocr, truth)), 6)
        return cost

    def _doubled_letter(self, ocr: str, truth: str) -> float:
        """The cost of ``ocr`` being ``truth`` with one letter read twice, or infinity."""
        if len(ocr) != len(truth) + 1:
            return math.inf
        for at in range(1, len(ocr)):
            if ocr[at] == ocr[at - 1] and ocr[:at] + ocr[at + 1 :] == truth:
                return self.doubled
        return math.inf

    def _align(self, ocr: str, truth: str) -> float:
        """Cheapest edit of one differing run, with the table's many-character confusions."""
        table, n, m = self.table, len(ocr), len(truth)
        inf = math.inf
        lookup = table.get
        substitution, insertion, deletion, case = self.substitution, self.insertion, self.deletion, self.case
        # Only the many-character confusions whose two sides occur in this run can take part.
        long = [
            (seen, printed, step) for seen, printed, step in self._long if seen in ocr and printed in truth
        ]
        rows = [[inf] * (m + 1) for _ in range(n + 1)]
        rows[0][0] = 0.0
        for i in range(n + 1):
            for j in range(m + 1):
                best = rows[i][j]
                if i and j:
                    a, b = ocr[i - 1], truth[j - 1]
                    step = 0.0 if a == b else lookup((a, b), case if a.lower() == b.lower() else substitution)
                    best = min(best, rows[i - 1][j - 1] + step)
                if i:
                    best = min(best, rows[i - 1][j] + lookup((ocr[i - 1], ""), insertion))
                if j:
                    best = min(best, rows[i][j - 1] + lookup(("", truth[j - 1]), deletion))
                for seen, printed, step in long:
                    ls, lp = len(seen), len(printed)
                    if (
                        ls <= i
                        and lp <= j
                        and ocr.startswith(seen, i - ls)
                        and truth.startswith(printed, j - lp)
                    ):
                        best = min(best, rows[i - ls][j - lp] + step)
                rows[i][j] = best
        return rows[n][m]


def differing_runs(ocr: str, truth: str) -> list[tuple[str, str]]:
    """The runs of characters where two spellings differ, as (OCR's, print's), by rapidfuzz's alignment.

    >>> differing_runs("tbo", "the"), differing_runs("cornmittee", "committee")
    ([('bo', 'he')], [('rn', 'm')])
    """
    runs = []
    seen_start = printed_start = -1
    for tag, i1, _, j1, _ in Levenshtein.opcodes(ocr, truth).as_list():  # tuples: faster than Opcode objects
        if tag == "equal":
            if seen_start >= 0:
                runs.append((ocr[seen_start:i1], truth[printed_start:j1]))
                seen_start = -1
        elif seen_start < 0:
            seen_start, printed_start = i1, j1
    if seen_start >= 0:
        runs.append((ocr[seen_start:], truth[printed_start:]))
    return runs


class Lexicon:
    """wordfreq's English words as zipf frequencies, the trusted set, and an index of words by shape.

    OCR confuses letters of like shape (``e`` ``o`` ``c``; ``i`` ``l`` ``1`` ``t``; ``h`` ``b``): a word's
    shape key writes each letter as its class's first, so a misreading has the key of the word meant, however
    many such letters it got wrong. Frequent words are also indexed under their keys less one letter, for
    a letter lost or added.

    >>> lexicon = shared_lexicon(1.0, 3.0, ("eoc", "il1t", "hb"), 50000, 20000, 20)
    >>> "the" in lexicon.trusted, lexicon.shape_key("tbo"), "the" in lexicon.near("tbo")
    (True, 'ihe', True)
    >>> sorted(lexicon.two_edits_away("caipentbr", 3.0))
    ['carpenter']
    """

    def __init__(
        self,
        min_zipf: float,
        trusted_zipf: float,
        classes: tuple[str, ...],
        shape_words: int,
        near_words: int,
        per_key: int,
    ) -> None:
        # One float a frequency band (a few hundred), not one a word; the words are the strings of
        # core.lexicon's English table, not copies.
        english = word_frequencies("en")
        band_zipfs: dict[int, float] = {}
        self.zipf: dict[str, float] = {}
        for word, band in english.bands.items():
            value = band_zipfs.get(band)
            if value is None:
                value = band_zipfs[band] = math.log10(english.band_frequency(band)) + 9
            if value >= min_zipf and word.isalpha():
                self.zipf[word] = value
        self.trusted = frozenset(word for word, value in self.zipf.items() if value >= trusted_zipf)
        self._shape_table = str.maketrans({char: group[0] for group in classes for char in group})
        ranked = sorted(self.zipf, key=self.zipf.__getitem__, reverse=True)
        # The indexes hold words by their rank, and are kept on disk between runs: building them takes
        # seconds, which a run with -j spends before its workers start.
        built_from = (_INDEX_FORMAT, english.built_from, min_zipf, classes, shape_words, near_words, per_key)
        self._built_from = built_from
        by_shape, by_shape_less_one = load_or_build(
            "ocr-shape-index",
            built_from,
            lambda: self._rank_indexes(ranked, shape_words, near_words, per_key),
            cache_folder(),
        )
        self._by_shape = _words_by_rank(*by_shape, ranked)
        self._by_shape_less_one = _words_by_rank(*by_shape_less_one, ranked)
        # Shape keys by their parts, for words two edits away (see ``two_edits_away``): built on first use.
        self._by_part: dict[float, dict[str, str]] = {}

    def _rank_indexes(
        self, ranked: list[str], shape_words: int, near_words: int, per_key: int
    ) -> tuple[_RankIndex, _RankIndex]:
        """The two indexes, each key with the ranks of its words (at most ``per_key``, most frequent
        first): a short key (`ihe`) fits hundreds of rare words."""
        by_shape: dict[str, list[int]] = {}
        for rank in range(min(shape_words, len(ranked))):
            words = by_shape.setdefault(self.shape_key(ranked[rank]), [])
            if len(words) < per_key:
                words.append(rank)
        by_shape_less_one: dict[str, list[int]] = {}
        for rank in range(min(near_words, len(ranked))):
            for key in _less_one(self.shape_key(ranked[rank])):
                words = by_shape_less_one.setdefault(key, [])
                if len(words) < per_key:
                    words.append(rank)
        return _flat(by_shape), _flat(by_shape_less_one)

    def shape_key(self, word: str) -> str:
        """The word in lower case with each letter replaced by its shape class's first letter."""
        return word.lower().translate(self._shape_table)

    def same_shape(self, word: str) -> tuple[str, ...]:
        """Indexed words with the shape key of ``word``, the most frequent first."""
        return _indexed(self._by_shape, self.shape_key(word))

    def two_edits_away(self, word: str, min_zipf: float) -> set[str]:
        """Indexed words at least ``min_zipf`` common whose shape key is within two edits of that of ``word``
        (`carpenter` for `caipentbr`), for a long word that ``near`` finds nothing for.

        Two edits mostly leave one of three parts of a long word as it was (its first letters, its last,
        or the three in its middle where it keeps its length): the words are looked for among those sharing
        one, a few hundred, not among the lexicon's tens of thousands (3 ms a word).
        """
        by_part = self._by_part.get(min_zipf)
        if by_part is None:
            by_part = self._by_part[min_zipf] = load_or_build(
                "ocr-part-index",
                (self._built_from, min_zipf),
                lambda: self._keys_by_part(min_zipf),
                cache_folder(),
            )
        key = self.shape_key(word)
        # A middle moves where a letter is lost or added: it is compared between keys of one length only.
        parts = {
            part
            for length in range(len(key) - 2, len(key) + 3)
            for part in _three_parts(key, length)[: 3 if length == len(key) else 2]
        }
        pool = list({other for part in parts for other in by_part.get(part, "").split()})
        found: set[str] = set()
        for other, _, _ in process.extract(
            key, pool, scorer=Levenshtein.distance, score_cutoff=2, limit=None
        ):
            found.update(_indexed(self._by_shape, other))
        return found

    def _keys_by_part(self, min_zipf: float) -> dict[str, str]:
        """The shape keys of the words at least ``min_zipf`` common and five letters long, under each of
        their three parts (see ``_three_parts``), joined by spaces: one string a part takes about half the
        memory of a tuple of keys."""
        by_part: dict[str, set[str]] = {}
        for word, value in self.zipf.items():
            if value >= min_zipf and len(word) >= 5:
                key = self.shape_key(word)
                for part in _three_parts(key, len(key)):
                    by_part.setdefault(part, set()).add(key)
        return {part: " ".join(sorted(keys)) for part, keys in by_part.items()}

    def near(self, word: str) -> set[str]:
        """Indexed words whose shape key is that of ``word``, or one letter away from it."""
        key = self.shape_key(word)
        found = set(_indexed(self._by_shape, key))
        for variant in _less_one(key):
            found.update(_indexed(self._by_shape, variant))
            found.update(_indexed(self._by_shape_less_one, variant))
        return found


# An index of ranks, flat: its keys, how many words each holds (array "I" bytes), their ranks (the same).
_RankIndex = tuple[list[str], bytes, bytes]


def _flat(index: dict[str, list[int]]) -> _RankIndex:
    """An index of ranks as three flat values, which read back from disk fast and small."""
    return (
        list(index),
        array("I", map(len, index.values())).tobytes(),
        array("I", [rank for ranks in index.values() for rank in ranks]).tobytes(),
    )


def _words_by_rank(
    keys: list[str], counts: bytes, ranks: bytes, ranked: list[str]
) -> dict[str, str | tuple[str, ...]]:
    """A flat index of ranks as one of words: a key's one word as the word itself, several as a tuple
    (most keys hold one word, and a list for each would take more memory than the words, which are the
    lexicon's own strings)."""
    sizes, positions = array("I"), array("I")
    sizes.frombytes(counts)
    positions.frombytes(ranks)
    index: dict[str, str | tuple[str, ...]] = {}
    at = 0
    for key, size in zip(keys, sizes, strict=True):
        if size == 1:
            index[key] = ranked[positions[at]]
        else:
            index[key] = tuple([ranked[rank] for rank in positions[at : at + size]])
        at += size
    return index


def _indexed(index: dict[str, str | tuple[str, ...]], key: str) -> tuple[str, ...]:
    """The words a compact index holds under ``key``, the most frequent first."""
    words = index.get(key, ())
    return (words,) if isinstance(words, str) else words


def _three_parts(key: str, length: int) -> tuple[str, str, str]:
    """A key's first letters, its last and the three in its middle, each with ``length``, the length of the
    keys it is to find (at most two letters more or less, two edits away). The ends are three letters long,
    four from nine letters on: an end like ``ing`` is shared by thousands of words.

    >>> _three_parts("carpenter", 9)
    ('<9carp', '>9nter', '=9pen')
    """
    size = 3 if length < 9 else 4
    middle = len(key) // 2 - 1
    return f"<{length}{key[:size]}", f">{length}{key[-size:]}", f"={length}{key[middle : middle + 3]}"


def _less_one(word: str) -> set[str]:
    """``word`` and every string one letter shorter (SymSpell's deletions, to depth one).

    >>> sorted(_less_one("abc"))
    ['ab', 'abc', 'ac', 'bc']
    """
    return {word, *(word[:k] + word[k + 1 :] for k in range(len(word)))}


# Bumped whenever the way the shape indexes are built changes, so that cached ones are built again.
_INDEX_FORMAT = 2


@lru_cache(maxsize=4)
def shared_lexicon(
    min_zipf: float,
    trusted_zipf: float,
    classes: tuple[str, ...],
    shape_words: int,
    near_words: int,
    per_key: int,
) -> Lexicon:
    """One lexicon per process and setting: loading wordfreq and indexing take about a second."""
    return Lexicon(min_zipf, trusted_zipf, classes, shape_words, near_words, per_key)


@lru_cache(maxsize=16)
def _channel(rules: RuleTable) -> Channel:
    table: dict[tuple[str, str], float] = {}
    for entry in rules.tables("confusion"):
        ocr, truth = entry.text("ocr"), entry.text("truth")
        table[(ocr, truth)] = entry.number("cost", low=0)
    # A many-letter confusion of small letters holds at the start of a capitalised word too: `il` read
    # for `h` is `Il` read for `H` (`Ile` for `He`).
    for (ocr, truth), cost in list(table.items()):
        if len(ocr) + len(truth) > 2 and ocr.islower() and truth.islower():
            table.setdefault((ocr.capitalize(), truth.capitalize()), cost)
    return Channel(
        table,
        substitution=rules.number("substitution_cost", low=0),
        insertion=rules.number("insertion_cost", low=0),
        deletion=rules.number("deletion_cost", low=0),
        doubled=rules.number("doubled_letter_cost", low=0),
        case=rules.number("case_cost", low=0),
    )


@lru_cache(maxsize=16)
def _score_cache(rules: RuleTable) -> dict[tuple[str, bool], list[tuple[str, float]]]:
    return {}


class WordRepairer:
    """Judges the words of one document against candidates; candidate scores are kept for the process.

    A word's candidates and their scores (frequency less channel cost) depend only on the word and the
    rules; the context (the neighbouring words, the document's own use of the word) is added per
    occurrence.
    """

    def __init__(self, rules: RuleTable, counts: Counter[str], extra_words: frozenset[str]) -> None:
        self.rules = rules
        self.lexicon = shared_lexicon(
            rules.number("lexicon_min_zipf", low=0),
            rules.number("trusted_zipf", low=0),
            tuple(rules.strings("shape_classes")),
            rules.integer("shape_index_words", low=0),
            rules.integer("near_index_words", low=0),
            rules.integer("index_words_per_key", low=1),
        )
        self.channel = _channel(rules)
        # The tokens: the document reader narrows them to the marks its document reads as letters.
        self.tokens = token_pattern(self.channel.marks)
        self.extra_words = extra_words
        self.folded_counts: Counter[str] = Counter()
        for word, count in counts.items():
            self.folded_counts[word.lower()] += count
        self.total_words = counts.total()
        self.prior_of_case = {
            "lower": rules.number("unknown_lower_zipf"),
            "capitalised": rules.number("unknown_capitalised_zipf"),
            "upper": rules.number("unknown_upper_zipf"),
        }
        self.long_length = rules.integer("trusted_long_length", low=1)
        self.long_zipf = rules.number("trusted_long_zipf", low=0)
        self.name_length = rules.integer("trusted_name_length", low=1)
        self.name_zipf = rules.number("trusted_name_zipf", low=0)
        self.min_length = rules.integer("min_length", low=1)
        self.most = rules.integer("max_candidates", low=1)
        self.rough_reach = rules.number("rough_reach", low=0)
        self.far_length = rules.integer("far_min_length", low=0)
        self.far_zipf = rules.number("far_min_zipf", low=0)
        self.far_below = rules.number("far_below")
        self.plural_cost = rules.number("plural_cost", low=0)
        self.context_weight = rules.number("context_weight", low=0)
        self.suggest_confidence = rules.number("suggest_confidence", low=0, high=1)
        self.name_bonus = rules.number("known_name_bonus")
        self.trusted_zipf = rules.number("trusted_zipf", low=0)
        self.document_weight = rules.number("document_weight")
        self.candidate_use_weight = rules.number("candidate_use_weight", low=0)
        self.broken_case_penalty = rules.number("broken_case_penalty")
        self.mark_penalty = rules.number("mark_penalty")
        self.length_weight = rules.number("unknown_length_weight", low=0)
        self.length_from = rules.integer("unknown_length_from", low=1)
        self.letters = english_letter_model(
            rules.integer("letter_model_order", low=1), rules.number("lexicon_min_zipf", low=0)
        )
        self.letters_weight = rules.number("unlikely_letters_weight", low=0)
        self.letter_chance = rules.number("typical_letter_chance", high=0)
        self.quote_marks = "".join(rules.pairs("quote_mark_pairs"))
        self.real_word_reach = rules.number("real_word_reach", low=0)
        self.house_count = rules.integer("house_spelling_count", low=1)
        self.house_ratio = rules.number("house_spelling_ratio", low=0)
        self.name_context_bonus = rules.number("name_context_bonus")
        self.mid_sentence_capital_cost = rules.number("mid_sentence_capital_cost", low=0)
        self.other_languages = rules.strings("other_languages")
        self.other_language_zipf = rules.number("other_language_zipf")
        self._own_scores: dict[tuple[str, bool], float] = {}
        self.in_context = rules.integer("context_candidates", low=1)
        self.split_cost = rules.number("split_cost", low=0)
        self.split_min_zipf = rules.number("split_min_zipf", low=0)
        self.single_letter_words = frozenset(rules.strings("single_letter_words"))
        # The many-character confusions by what OCR read: a token is searched once for each such reading.
        self.multi_character: dict[str, list[tuple[str, float]]] = {}
        for (ocr, truth), cost in self.channel.table.items():
            if ocr and (len(ocr) != 1 or len(truth) != 1):
                self.multi_character.setdefault(ocr.lower(), []).append((truth.lower(), cost))
        self.capital_misreadings = {
            (t, o) for o, t in self.channel.table if len(t) == len(o) == 1 and t.isupper()
        }
        self._scores = _score_cache(rules)
        self._pairs: WordPairs | None = None
        # Whether the document's repeated spellings count as its own (see ``_house_spelling``), per document.
        self.keeps_house_spellings = True
        # How much likelier a word no lexicon knows is the author's in this document than in OCR at large
        # (see ``unknown_prior_shift``), per document.
        self.prior_shift = 0.0
        # The document's own misreadings, as the repairs of its first reading show them (see ``adapt``).
        self.misreadings: Counter[tuple[str, str]] = Counter()
        self._bonus: dict[tuple[str, str], float] = {}
        # Per token: its candidates' scores with the document's bonuses, and the bonuses (see ``adapt``).
        self._adapted_scores: dict[tuple[str, bool], tuple[list[tuple[str, float]], list[float]]] = {}

    def known(self, token: str) -> bool:
        """The cheap test first: a trusted word, a word of the user's lists, or not a word to judge."""
        trusted = self.lexicon.trusted
        if token in trusted or token in self.extra_words:
            return True
        lower = token.lower()
        if lower in trusted or lower in self.extra_words:
            return True
        if len(token) >= self.long_length and self.lexicon.zipf.get(lower, 0.0) >= self.long_zipf:
            return True  # long misreadings are seldom words: a long rare word is taken as written
        if (
            len(token) >= self.name_length
            and token.istitle()
            and self.lexicon.zipf.get(lower, 0.0) >= self.name_zipf
        ):
            return True  # a name wordfreq knows (`Ledingham`, `Toombul`): misread names seldom are words
        base = _APOSTROPHE.split(lower, maxsplit=1)[0]
        return base != lower and (base in trusted or base in self.extra_words)

    def worth_judging(self, token: str) -> bool:
        """Not a number, date, other script, abbreviation or short scrap, nor a name the document repeats
        (unless it also writes a known word of that shape: `Sydnoy` beside `Sydney`)."""
        if len(token) < self.min_length or _left_as_written(token) or _APOSTROPHE.search(token):
            return False  # contractions and possessives are left as written: the lexicon has no candidates
        case = _case_class(token)
        if (
            case != "lower"
            and self.folded_counts[token.lower()] >= 2
            and token.lower() not in self.lexicon.zipf
            and not self._written_right_elsewhere(token)
        ):
            return False  # a capitalised word that recurs in the document is evidence for itself
        return not (case == "upper" and len(token) <= 4)  # abbreviations

    def _written_right_elsewhere(self, token: str) -> bool:
        """Whether the document also writes a lexicon word of the token's shape: then a recurring misreading
        (`Sydnoy` three times beside `Sydney`) is likelier than a name of the author's.

        >>> from pipeline.core.settings import Settings
        >>> rules = Settings().rules("ocr")
        >>> WordRepairer(rules, Counter({"Sydnoy": 3, "Sydney": 5}), frozenset()).worth_judging("Sydnoy")
        True
        >>> WordRepairer(rules, Counter({"Sydnoy": 3}), frozenset()).worth_judging("Sydnoy")
        False
        """
        counts = self.folded_counts
        return any(counts[word] for word in self.lexicon.same_shape(token))

    def judge(
        self, token: str, name_context: bool, before: str, after: str, initial: bool = False
    ) -> Verdict | None:
        """The verdict on a token between two words (lower case, or ""), or None where it has no
        candidates; ``initial``: the token begins a sentence or a line, where a capital says nothing of a
        name."""
        case = _case_class(token)
        scores = self.scores(token, name_context)
        if not scores:
            return None
        scores = self._with_document_use(scores)
        own = self._own_score(token, case, initial)
        if case == "lower" and not (initial or name_context):
            scores = self._small_letters_first(scores)
        ranked = scores[: self.in_context]
        weight = self.context_weight
        if weight and (before or after):
            pairs = self.word_pairs()
            own += weight * _context(pairs, token.lower(), before, after)
            fits = [
                (form, score + weight * _context(pairs, form.lower(), before, after))
                for form, score in ranked
            ]
            ranked = sorted(fits, key=_best_first)
        top = max(own, ranked[0][1])
        total = 10 ** (own - top) + sum(10 ** (score - top) for _, score in ranked)
        best, best_score = ranked[0]
        posterior = 10 ** (best_score - top) / total
        if posterior < self.suggest_confidence or self._house_spelling(token, best):
            return Verdict(best, posterior, (), shown=False)  # kept for the second pass: no runners-up
        others = tuple((word, 10 ** (score - top) / total) for word, score in ranked[1:4])
        return Verdict(best, posterior, others)

    def _small_letters_first(self, scores: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """The scores of a word in small letters mid-sentence, its capitalised candidates made dearer by
        ``mid_sentence_capital_cost``: print capitalises a word there seldom, and only a name (`lo` is
        `to` there, where its capital misreading makes it `To`).

        >>> from pipeline.core.settings import Settings
        >>> repairer = WordRepairer(Settings().rules("ocr"), Counter(), frozenset())
        >>> mid_sentence = repairer.judge("lo", False, "went", "the")
        >>> sentence_start = repairer.judge("lho", False, "", "house", initial=True)
        >>> mid_sentence.best, sentence_start.best
        ('to', 'The')
        """
        if not any(form[0].isupper() for form, _ in scores):
            return scores
        cost = self.mid_sentence_capital_cost
        return sorted(
            ((form, score - cost if form[0].isupper() else score) for form, score in scores), key=_best_first
        )

    def stays_unshown(self, verdict: Verdict | None, token: str, name_context: bool) -> bool:
        """Whether a verdict too unsure to show stays so however the document's own misreadings raise
        its candidates: the best posterior, with the largest bonus any candidate takes, is still below
        ``suggest_confidence`` (the candidates weighed the same). The second reading need not judge such
        a word again.

        >>> from pipeline.core.settings import Settings
        >>> repairer = WordRepairer(Settings().rules("ocr"), Counter(), frozenset())
        >>> repairer.adapt(Counter({("o", "e"): 10}))
        >>> far, near = Verdict("the", 0.01, (), shown=False), Verdict("the", 0.2, (), shown=False)
        >>> repairer.stays_unshown(far, "tho", False), repairer.stays_unshown(near, "tho", False)
        (True, False)
        """
        if verdict is None:
            return True  # no candidates, whatever they would cost
        if verdict.shown or verdict.posterior >= self.suggest_confidence:
            return False  # shown, or hidden as a house spelling that a new best may not be
        bonuses = self._adapted(token, name_context)[1]
        if any(bonuses[self.in_context :]):
            return False  # a candidate the first reading did not weigh may come among those weighed
        odds = verdict.posterior / (1 - verdict.posterior) * 10 ** max(bonuses)
        return odds / (1 + odds) < self.suggest_confidence

    def _house_spelling(self, token: str, best: str) -> bool:
        """The document writes the word often (``house_spelling_count``), and more often than the candidate
        by ``house_spelling_ratio``: its own spelling, where a misreading is rarer than the word it stands
        for.
        """
        if not self.keeps_house_spellings or not token.isalpha() or _BROKEN_CASE.search(token):
            return False  # a digit for a letter (`1ittle`) or a capital inside a word is no spelling
        count = self.folded_counts[token.lower()]
        return count >= self.house_count and count >= self.house_ratio * self.folded_counts[best.lower()]

    def word_pairs(self) -> WordPairs:
        if self._pairs is None:
            self._pairs = english_word_pairs()
        return self._pairs

    def foreign(self, token: str, neighbours: tuple[str, ...]) -> bool:
        """A common word of another language next to another word of it (``Londres sont belles``).

        OCR errors are often words of some language (``havo``, ``aro``): a neighbour more common in
        that language than in English is what tells a quotation from a misreading.
        """
        if not token.isalpha():
            return False  # `hi«`, `t|he`: no word of any language, though wordfreq reads the letters alone
        floor = self.other_language_zipf
        others = [word for word in neighbours if word]
        return any(
            any(common_zipf(word, language, floor) >= max(floor, zipf(word)) for word in others)
            for language in _common_languages(token.lower(), self.other_languages, floor)
        )

    def _own_score(self, token: str, case: str, initial: bool = False) -> float:
        """Prior that the token is what the author wrote: lexicon, case, the document's own use."""
        initial = initial and case != "lower"  # where a word in small letters stands tells nothing here
        score = self._own_scores.get((token, initial))
        if score is None:
            score = self._own_scores[token, initial] = self._prior(token, case, initial)
        return score

    def _prior(self, token: str, case: str, initial: bool) -> float:
        """The token's prior, as a zipf: its frequency, or that of an unknown word of its case, raised by
        the document's use and lowered by what marks a misreading (length, unlikely letters, broken case).

        >>> from pipeline.core.settings import Settings
        >>> repairer = WordRepairer(Settings().rules("ocr"), Counter(), frozenset())
        >>> round(repairer._prior("educationals", "lower", False), 2)  # a plural wordfreq lacks
        3.6
        >>> repairer.judge("educationals", False, "the", "of").posterior < 0.01
        True
        """
        lower = token.lower()
        frequency = self.lexicon.zipf.get(lower, 0.0)
        prior = max(frequency, self.prior_of_case[case] + self.prior_shift)
        # A capital mid-sentence marks a name (`Miike`); at a sentence's or a line's start it says nothing.
        if frequency and (case == "upper" or (case == "capitalised" and not initial)):
            prior += self.name_bonus
        # The document's own use is evidence for a word no lexicon knows or knows as rare (a name, a term,
        # an old spelling: `hee`); a misreading that is a common word (`tho`) recurs as often as the
        # confusion does.
        if frequency < self.trusted_zipf:
            prior += self.document_use(lower, self.document_weight)
        prior -= self._long_unknown_penalty(token)
        if not frequency and lower.isalpha():
            # Misreadings seldom spell like words of the language; the author's rare words and names do.
            prior -= self.letters_weight * self.letters.shortfall(lower, self.letter_chance)
            # wordfreq lacks many rare plurals (`excellences`, `Proverbials`): one is about as likely as its
            # singular, less plural_cost.
            singular = _singular(lower)
            if len(lower) > self.length_from and singular in self.lexicon.trusted:
                prior = max(prior, self.lexicon.zipf[singular] - self.plural_cost)
        if _BROKEN_CASE.search(token):
            prior -= self.broken_case_penalty
        if _MARK_INSIDE.search(token) or any(mark in token for mark in self.quote_marks):
            prior -= self.mark_penalty  # a quotation mark in a token is one the document does not quote with
        return prior

    def document_use(self, word: str, weight: float) -> float:
        """How much the document's own use of a word (in lower case) raises its prior: ``weight`` times
        log10 of its count, where it occurs twice or more, less log10 of the count its frequency in
        English leads one to expect, where that is more than one (a long text writes `the` often, and
        that is no evidence for it).

        >>> from pipeline.core.settings import Settings
        >>> counts = Counter({"acres": 10, "the": 10, "word": 180})  # `the` is 5% of English
        >>> repairer = WordRepairer(Settings().rules("ocr"), counts, frozenset())
        >>> repairer.document_use("acres", 1.0), round(repairer.document_use("the", 1.0), 2)
        (1.0, 0.0)
        """
        return weight * self.use_beyond_expected(word, self.folded_counts, self.total_words)

    def use_beyond_expected(self, word: str, counts: Counter[str], total_words: int) -> float:
        """log10 of a word's count in a text of ``total_words`` words (``counts``: lower case), where it
        occurs twice or more, less log10 of the count its frequency leads one to expect, where more than
        one."""
        count = counts[word]
        if count < 2:
            return 0.0
        expected = total_words * 10 ** (self.lexicon.zipf.get(word, 0.0) - 9)
        return max(0.0, math.log10(count) - max(0.0, math.log10(expected)))

    def _with_document_use(self, scores: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """A token's candidate ``scores`` raised by the document's use of each (see ``document_use``),
        best first: a word a text writes again is likelier there than in English at large (`acies` where
        `acres` fills a list of land sales). The cheap test first: most candidates occur once or never.

        >>> from pipeline.core.settings import Settings
        >>> repairer = WordRepairer(Settings().rules("ocr"), Counter({"acres": 10}), frozenset())
        >>> repairer._with_document_use([("acts", 2.0), ("acres", 1.5)])
        [('acres', 2.5), ('acts', 2.0)]
        """
        counts = self.folded_counts
        if all(counts[form.lower()] < 2 for form, _ in scores):
            return scores
        weight = self.candidate_use_weight
        raised = [(form, score + self.document_use(form.lower(), weight)) for form, score in scores]
        return scores if raised == scores else sorted(raised, key=_best_first)

    def candidate_scores(self, token: str, name_context: bool) -> list[tuple[str, float]]:
        """Candidates and their frequency less channel cost, best first: kept for the process, as they
        depend on the rules alone."""
        key = (token, name_context)
        scores = self._scores.get(key)
        if scores is None:
            if len(self._scores) >= _CACHE_LIMIT:
                self._scores.clear()  # a bound on memory for corpora of millions of distinct words
            found = self._score_candidates(token, name_context)
            scores = self._scores[key] = sorted(found.items(), key=_best_first)
        return scores

    def adapt(self, misreadings: Counter[tuple[str, str]]) -> None:
        """Make the document's own misreadings cheaper: each run of differing characters (``li`` read for
        ``h``) that its confident repairs show at least ``adapt_min_repairs`` times costs less by
        ``adapt_weight`` times log10 of that count, at most ``adapt_max_bonus``. Every scan has its own
        typeface and its own faults; a confusion seen all over a document is likelier there than in OCR at
        large (``lie`` for ``he`` where ``tlie`` and ``wlien`` abound).

        >>> from pipeline.core.settings import Settings
        >>> repairer = WordRepairer(Settings().rules("ocr"), Counter(), frozenset())
        >>> repairer.adapt(Counter({("li", "h"): 10, ("rn", "m"): 1}))
        >>> repairer.bonus("lie", "he"), repairer.bonus("rnore", "more")
        (1.25, 0.0)
        """
        least = self.rules.integer("adapt_min_repairs", low=1)
        weight = self.rules.number("adapt_weight", low=0)
        most = self.rules.number("adapt_max_bonus", low=0)
        self.misreadings = misreadings
        self._bonus = {run: min(most, weight * math.log10(n)) for run, n in misreadings.items() if n >= least}
        self._adapted_scores.clear()

    def bonus(self, token: str, form: str) -> float:
        """How much likelier the document's own misreadings make ``form`` read as ``token``."""
        if not self._bonus or " " in form:
            return 0.0
        return sum(self._bonus.get(run, 0.0) for run in differing_runs(token.lower(), form.lower()))

    def bonuses(self) -> dict[tuple[str, str], float]:
        """The bonus of each of the document's own misreadings (see ``adapt``)."""
        return self._bonus

    def is_adapted(self) -> bool:
        """Whether the document shows misreadings of its own often enough to change any score."""
        return bool(self._bonus)

    def adapted(self, token: str, name_context: bool) -> bool:
        """Whether any candidate for the token takes one of the document's own misreadings."""
        return self.scores(token, name_context) is not self.candidate_scores(token, name_context)

    def misreading_note(self, token: str, form: str) -> str:
        """For the log: the document's own misreadings that the repair takes, with their counts."""
        runs = dict.fromkeys(run for run in differing_runs(token.lower(), form.lower()) if run in self._bonus)
        seen = ", ".join(
            f"{ocr} for {printed} ({self.misreadings[ocr, printed]} repairs)" for ocr, printed in runs
        )
        return f"the document's own misreading: {seen}"

    def scores(self, token: str, name_context: bool) -> list[tuple[str, float]]:
        """``candidate_scores`` with the document's own misreadings made cheaper (see ``adapt``): the same
        list where none of its candidates takes one."""
        if not self._bonus:
            return self.candidate_scores(token, name_context)
        return self._adapted(token, name_context)[0]

    def _adapted(self, token: str, name_context: bool) -> tuple[list[tuple[str, float]], list[float]]:
        """The token's adapted scores (see ``scores``) and each candidate's bonus in ``candidate_scores``'
        order, worked out once a document reading."""
        key = (token, name_context)
        found = self._adapted_scores.get(key)
        if found is None:
            if len(self._adapted_scores) >= _CACHE_LIMIT:
                self._adapted_scores.clear()
            scores = self.candidate_scores(token, name_context)
            bonuses = [self.bonus(token, form) for form, _ in scores]
            adapted = scores
            if any(bonuses):
                adapted = [
                    (form, score + bonus) for (form, score), bonus in zip(scores, bonuses, strict=True)
                ]
                adapted.sort(key=_best_first)
            found = self._adapted_scores[key] = (adapted, bonuses)
        return found

    def may_be_misread(self, token: str) -> bool:
        """A known word with a candidate near enough in score that context could make it the likelier."""
        scores = self._with_document_use(self.scores(token, False))
        return (
            bool(scores) and scores[0][1] >= self._own_score(token, _case_class(token)) - self.real_word_reach
        )

    def _score_candidates(self, token: str, name_context: bool) -> dict[str, float]:
        """The likeliest words within reach by shape, scored by the channel; the token itself left out."""
        zipf, lexicon, lower = self.lexicon.zipf, self.lexicon, token.lower()
        # The token with one many-letter confusion undone (`lie` as `he`), each with that confusion's cost.
        spellings = {lower: 0.0}
        for seen, readings in self.multi_character.items():
            at = lower.find(seen)
            while at >= 0:
                for printed, cost in readings:
                    spelling = lower[:at] + printed + lower[at + len(seen) :]
                    spellings[spelling] = min(cost, spellings.get(spelling, cost))
                at = lower.find(seen, at + 1)
        # Words of the same shape as a spelling, and frequent words a letter more or less from the token.
        # The channel is the costly part: it runs on the likeliest few, by frequency less a rough cost
        # per edit, lower where the letters differ only within their shape classes.
        rough: dict[str, float] = {}
        for spelling, cost in spellings.items():
            for word in lexicon.same_shape(spelling):
                estimate = zipf[word] - cost - 2.5 * Levenshtein.distance(spelling, word)
                if estimate > rough.get(word, -math.inf):
                    rough[word] = estimate
        if len(lower) > 1:  # a single letter is a letter away from every short word
            rough.update(_by_edits(lower, lexicon.near(lower) - rough.keys(), zipf))
            if (
                0 < self.far_length <= len(lower)
                and lower.isalpha()
                and max(rough.values(), default=-math.inf) <= self.far_below
            ):  # garbled twice (`caipentbr`), where nothing nearer is anywhere near likely
                far = lexicon.two_edits_away(lower, self.far_zipf) - rough.keys()
                rough.update(_by_edits(lower, far, zipf))
        rough.pop(lower, None)
        likeliest = _likeliest(rough, self.rough_reach, self.most)
        case = _case_class(token)
        bonus = self.name_context_bonus
        scores: dict[str, float] = {}
        for word in likeliest:
            for form in self._renderings(token, word, case):
                score = zipf[word] - self.channel.cost(token, form)
                if name_context and case == "lower" and form[0].isupper():
                    score += bonus
                if score > scores.get(form, -math.inf):
                    scores[form] = score
        if len(token) > 3:
            scores.update(self._splits(token))
        scores.pop(token, None)
        return scores

    def _long_unknown_penalty(self, token: str) -> float:
        """How much less likely a long word that no lexicon knows is the author's: the chance that a word
        of the author's happens to lie a confusion or two from a known word, or to be two known words run
        together, falls with its length; a misreading's does not (`amusomonts`, `prisonerhad`). Names too:
        one that lies a confusion from a known word (`Rochestear`, `Davonport`) is a misreading more
        often than a name of its own, and a name the document repeats is not judged at all.

        >>> from pipeline.core.settings import Settings
        >>> repairer = WordRepairer(Settings().rules("ocr"), Counter(), frozenset())
        >>> words = ("amusomonts", "tbe", "amusements", "Amusomonts", "AMUSOMONTS")
        >>> [repairer._long_unknown_penalty(word) for word in words]
        [1.6, 0.0, 0.0, 1.6, 1.6]
        """
        excess = len(token) - self.length_from
        if excess <= 0 or token.lower() in self.lexicon.zipf:
            return 0.0
        return self.length_weight * excess

    def _splits(self, token: str) -> dict[str, float]:
        """Words run together (``wasa``, ``timeMrs``, ``thefollowingmorning``): the token with spaces put
        back, scored as the words' joint frequency less the cost of each space lost. Every cut into two
        words competes, and the likeliest cut into three or more.

        >>> from pipeline.core.settings import Settings
        >>> repairer = WordRepairer(Settings().rules("ocr"), Counter(), frozenset())
        >>> splits = repairer._splits("ofthe")
        >>> sorted(splits), max(splits, key=splits.__getitem__)
        (['of the', 'oft he'], 'of the')
        >>> max((splits := repairer._splits("thefollowingmorning")), key=splits.__getitem__)
        'the following morning'
        """
        if not token.isalpha():
            return {}
        least = self.split_min_zipf
        # best[end]: the likeliest words for token[:end], as (summed zipf less 9 a word, cuts).
        best: list[tuple[float, tuple[int, ...]] | None] = [(0.0, ())] + [None] * len(token)
        found: dict[str, float] = {}
        word_ends = [0]  # where words end: the only places a next word may start
        zipf, lower, single = self.lexicon.zipf, token.lower(), self.single_letter_words
        for end in range(1, len(token) + 1):
            for start in word_ends:
                if start == 0 and end == len(token):
                    continue  # the token whole
                # The frequencies first: most cuts make no words, and are ruled out without a regex.
                # A single letter is a word only if listed (`a`, `I`).
                if end - start == 1 and token[start] not in single:
                    continue
                part_zipf = zipf.get(lower[start:end], 0.0)
                if part_zipf < least:
                    continue
                before = best[start]
                score, cuts = before[0] + part_zipf - 9, (*before[1], start) if start else ()
                if end == len(token) and len(cuts) == 1:
                    self._add_split(found, token, cuts, score)
                elif best[end] is None or score > best[end][0]:
                    best[end] = (score, cuts)
            if best[end] is not None and end < len(token):
                word_ends.append(end)
        if (whole := best[-1]) is not None and len(whole[1]) > 1:
            self._add_split(found, token, whole[1], whole[0])
        return found

    def _add_split(self, found: dict[str, float], token: str, cuts: tuple[int, ...], score: float) -> None:
        """Score the token cut at ``cuts`` into words: their frequencies, how well each fits its
        neighbour, and a space lost for each cut."""
        ends = (0, *cuts, len(token))
        words = [token[start:end] for start, end in pairwise(ends)]
        joined = " ".join(words)
        if _BROKEN_CASE.search(joined):
            return
        pairs = self.word_pairs()
        fit = sum(pairs.association(a.lower(), b.lower()) for a, b in pairwise(words))
        found[joined] = score + 9 + fit - self.split_cost * len(cuts)

    def _renderings(self, token: str, word: str, case: str) -> tuple[str, ...]:
        """A lexicon word (lower case) written as the token's case may have meant it.

        A word in small letters may stand for a capitalised one only where the table lets its first
        character be read for that capital (``losif`` for ``Iosif``).
        """
        if case == "upper":
            return (word.upper(),)
        title = word.capitalize()
        if case == "capitalised" or (title[0], token[0]) in self.capital_misreadings:
            return (word, title)
        return (word,)


def _context(pairs: WordPairs, words: str, before: str, after: str) -> float:
    """How well a word (or words, split) fits between its neighbours: the pairs' associations, each capped
    to [-3, 3] (by comparisons: ``max(-3.0, min(3.0, a))`` took a third of the time here)."""
    fit = 0.0
    first, last = words.partition(" ")[0], words.rpartition(" ")[2]
    if before:
        association = pairs.association(before, first)
        fit += -3.0 if association < -3.0 else 3.0 if association > 3.0 else association
    if after:
        association = pairs.association(last, after)
        fit += -3.0 if association < -3.0 else 3.0 if association > 3.0 else association
    return fit


def _by_edits(token: str, words: set[str], zipf: dict[str, float]) -> dict[str, float]:
    """Rough estimates of words found by edit distance: frequency less 3.8 an edit from the token."""
    return {
        word: zipf[word] - 3.8 * distance
        for word, distance, _ in process.extract(token, list(words), scorer=Levenshtein.distance, limit=None)
    }


def _likeliest(estimates: dict[str, float], reach: float, most: int) -> list[str]:
    """The ``most`` words of highest estimate, of those within ``reach`` of the highest, best first.

    >>> _likeliest({"the": 5.0, "tho": 2.5, "she": 1.0, "thy": 5.0}, 3.0, 2)
    ['the', 'thy']
    """
    if not estimates:
        return []
    least = max(estimates.values()) - reach
    within = [pair for pair in estimates.items() if pair[1] >= least]
    return [word for word, _ in sorted(within, key=_best_first)[:most]]


def _best_first(pair: tuple[str, float]) -> tuple[float, str]:
    """Sort key: the higher score first, ties by spelling, so that logs do not depend on set order."""
    return -pair[1], pair[0]


def _left_as_written(token: str) -> bool:
    """Numbers, dates and other scripts are the author's: no letters to repair, or not Latin ones.

    >>> [_left_as_written(word) for word in ("1937", "11th", "Москва", "losif")]
    [True, True, True, False]
    """
    return bool(_NUMBER_LIKE.fullmatch(token) or _NON_LATIN.search(token)) or not any(
        c.isalpha() for c in token
    )


@lru_cache(maxsize=_CACHE_LIMIT)
def _common_languages(word: str, languages: tuple[str, ...], floor: float) -> tuple[str, ...]:
    """The languages in which ``word`` is common (Zipf ``floor`` or more), kept for the process: the same
    words are judged again and again between other neighbours.

    >>> _common_languages("sont", ("fr", "de"), 3.5), _common_languages("wbich", ("fr", "de"), 3.5)
    (('fr',), ())
    """
    return tuple(language for language in languages if common_zipf(word, language, floor) >= floor)


@lru_cache(maxsize=_CACHE_LIMIT)
def _case_class(token: str) -> str:
    """``upper``, ``capitalised`` or ``lower``, from the token's letters. A word in capitals but for one
    small letter after the first is in capitals, the small letter a misread one (`EDWARn`, `CAnDIFF`).

    >>> _case_class("NKVD"), _case_class("Stalin"), _case_class("losif"), _case_class("1ondon")
    ('upper', 'capitalised', 'lower', 'lower')
    >>> _case_class("\\\\Vest"), _case_class("«aid"), _case_class("EDWARn"), _case_class("Mrs")
    ('capitalised', 'lower', 'upper', 'capitalised')
    """
    letters = [char for char in token if char.isalpha()]
    capitals = sum(char.isupper() for char in letters)
    if len(letters) > 1 and capitals == len(letters):
        return "upper"
    if capitals >= 3 and capitals == len(letters) - 1 and letters[0].isupper():
        return "upper"
    return "capitalised" if letters and letters[0].isupper() else "lower"


def _singular(word: str) -> str:
    """The singular of what may be an English plural in small letters (``ies`` for ``y``, else a final
    ``s`` less, but not after ``s`` or ``ed``), or the word itself. No lexicon lookup: a caller checks it.

    >>> [_singular(word) for word in ("excellences", "prosperities", "witnesss", "arresteds", "the")]
    ['excellence', 'prosperity', 'witnesss', 'arresteds', 'the']
    """
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith(("ss", "eds")) else word


def _split_at_line_end(text: str, start: int, end: int) -> bool:
    """A piece of a word hyphenated at a line end is a fragment: reflow's business.

    The line end may be gone already, where lines were joined before us (``pro- perty``).

    >>> texts = ("a pro-\\nperty", "a pro- perty", "a see perty", "a pro-perty")
    >>> [_split_at_line_end(text, len(text) - 5, len(text)) for text in texts]
    [True, True, False, False]
    """
    after = text[end : end + 3]
    if after.startswith("-") and after[1:2] in (" ", "\t", "\n", ""):
        return True
    preceding = text[max(0, start - 4) : start]
    before = preceding.rstrip(" \t")
    return before.endswith("-\n") or (
        before != preceding and before.endswith("-") and before[-2:-1].isalpha()
    )


def _fragment_of_common_word(text: str, start: int, end: int, common: frozenset[str]) -> bool:
    """A piece of a word broken inside a line, by a hyphen or a space (``pro-bably``, ``arti ficial``, where
    a line-end hyphen was kept or lost): where it and the word beside it make a ``common`` word (lower
    case), it is that word's fragment, not a misreading to repair into another word (``pro-baby``). Pieces
    split by a space have three letters or more: a short word beside another often makes a word (``bo a``).

    >>> common = frozenset({"probably", "artificial", "boa"})
    >>> cases = [("pro-bably", 4, 9), ("arti ficial", 0, 4), ("the bably", 4, 9), ("bo a", 0, 2)]
    >>> [_fragment_of_common_word(text, start, end, common) for text, start, end in cases]
    [True, True, False, False]
    """
    token = text[start:end]
    if start >= 2 and text[start - 1] in ("-", " "):
        before = _WORD_ENDING_AT.match(text, max(0, start - 40), start - 1)
        if before is not None and _make_common_word(before.group(), token, text[start - 1], common):
            return True
    if text[end : end + 1] in ("-", " "):
        after = _WORD_STARTING_AT.match(text, end + 1, end + 40)
        if after is not None and _make_common_word(token, after.group(), text[end], common):
            return True
    return False


def _make_common_word(first: str, second: str, between: str, common: frozenset[str]) -> bool:
    """Whether two pieces, a hyphen or a space apart, make a common word; pieces a space apart only where
    both have three letters or more."""
    if between == " " and min(len(first), len(second)) < 3:
        return False
    return (first + second).lower() in common


def _sentence_start(text: str, start: int) -> bool:
    """The token at ``start`` begins the text, a paragraph or a sentence (quotes and brackets aside).

    >>> [_sentence_start(text, len(text) - 3) for text in ("Tho", "end. Tho", "the Tho", "“Tho")]
    [True, True, False, True]
    """
    before = text[max(0, start - 3) : start].rstrip(" \t\"'“‘(")
    return not before or before[-1] in _SENTENCE_END or before.endswith("\n\n")


def _name_context(text: str, end: int, sentence_start: bool) -> bool:
    """Mid-sentence and before a capitalised word: where a first name stands (``losif Stalin``)."""
    return not sentence_start and _BEFORE_CAPITAL.match(text, end) is not None


def _adjacent_words(text: str, start: int, end: int) -> tuple[str, str]:
    """The words just before and after a token, in lower case, where only spaces or a line end part them.

    >>> _adjacent_words("said tbe word.", 5, 8), _adjacent_words("end. Tbe word", 5, 8)
    (('said', 'word'), ('', 'word'))
    >>> _adjacent_words("don't tbe", 6, 9), _adjacent_words("not 'to ntake any", 8, 13)
    (('', ''), ('to', 'any'))
    >>> _adjacent_words("said' tbe ‘word", 6, 9), _adjacent_words("a tbe don't", 2, 5)
    (('said', 'word'), ('a', ''))
    """
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    after = _WORD_AFTER.match(text, end)
    return (
        before.group(1).lower() if before else "",
        after.group(1).lower() if after else "",
    )


def document_noise(
    counts: Counter[str], unknown: set[str], expected: float = 0.0, expected_words: int = 0
) -> float:
    """Share of the document's words of three letters or more that no lexicon knows: its OCR's quality.
    A short text says little: the share may be taken as ``expected`` over ``expected_words`` words more.

    >>> document_noise(Counter({"the": 8, "tbe": 2, "of": 5}), {"tbe"})
    0.2
    >>> document_noise(Counter({"the": 8, "tbe": 2, "of": 5}), {"tbe"}, 0.0, 10)
    0.1
    """
    words = unknown_words = 0
    for token, count in counts.items():
        if len(token) >= 3 and token.isalpha():
            words += count
            if token in unknown:
                unknown_words += count
    words += expected_words
    return (unknown_words + expected * expected_words) / words if words else 0.0


def unknown_prior_shift(counts: Counter[str], unknown: set[str], rules: RuleTable) -> float:
    """How much likelier (log10) a word no lexicon knows is the author's in this document than in one whose
    noise is ``noise_reference``: misreadings are as common as the noise, the author's rare words are not.
    ``noise_prior_weight`` times log10 of the reference over the document's noise (taken with
    ``noise_prior_words`` words more at the reference), at most ``noise_prior_most`` either way.

    >>> from pipeline.core.settings import Settings
    >>> rules = Settings().rules("ocr")
    >>> noisy, clean = Counter({"tbe": 300, "the": 500}), Counter({"the": 2000})
    >>> [round(unknown_prior_shift(counts, {"tbe"}, rules), 2) for counts in (noisy, clean)]
    [-1.05, 1.32]
    """
    reference = rules.number("noise_reference", low=0.001, high=1)
    noise = document_noise(counts, unknown, reference, rules.integer("noise_prior_words", low=0))
    most = rules.number("noise_prior_most", low=0)
    if noise <= 0:
        return most
    shift = rules.number("noise_prior_weight", low=0) * math.log10(reference / noise)
    return max(-most, min(most, shift))


def repair_words(text: str, rules: RuleTable, extra_words: frozenset[str]) -> list[Edit]:
    """Edits for the words whose best candidate is likely enough: applied, or suggested (one reading).

    >>> from pipeline.core.settings import Settings
    >>> [(e.replacement, e.applied) for e in repair_words("tbe end", Settings().rules("ocr"), frozenset())]
    [('the', True)]
    """
    return DocumentReader(rules, extra_words)(text)


class DocumentReader:
    """Reads one document's words, again each time it is called with the text as the last reading's
    applied edits left it (as ``settle`` calls it, see ``run``), judging again only what those edits can
    have changed.

    Words no lexicon knows are judged always; known short words (``tho``, ``bo``) only in a document
    noisy enough that such misreadings are to be expected, and against a higher bar. Each reading reads
    twice where its first pass shows misreadings of the document's own (see ``WordRepairer.adapt``). The
    misreadings are those the text shows: a run on its own output, whose misread words are repaired, sees
    fewer, so ``run`` reads again until nothing changes under that weaker evidence too.
    """

    def __init__(
        self,
        rules: RuleTable,
        extra_words: frozenset[str],
        prior_shift: float | None = None,
        marks: str | None = None,
    ) -> None:
        self.rules, self.extra_words = rules, extra_words
        self._last: _LastReading | None = None
        # The unknown words' prior shift (see ``unknown_prior_shift``), by default from the noise of the
        # first text read, the one the stage received: later readings see fewer unknown words only because
        # the first repaired them.
        self.prior_shift = prior_shift
        # The marks read as letters (see ``letter_marks``), from the first text read too: a quotation mark
        # read between letters once is so read to the end.
        self.marks = marks

    def __call__(self, text: str) -> list[Edit]:
        rules = self.rules
        if self.marks is None:
            self.marks = letter_marks(text, _channel(rules).marks, rules.pairs("quote_mark_pairs"))
        tokens = token_pattern(self.marks)
        counts = count_matches(tokens, text)
        repairer = WordRepairer(rules, counts, self.extra_words)
        repairer.tokens = tokens
        unknown = {token for token in counts if not repairer.known(token)}
        if self.prior_shift is None:
            self.prior_shift = unknown_prior_shift(counts, unknown, rules)
        repairer.prior_shift = self.prior_shift
        old_print = len(old_spellings(unknown, repairer.lexicon.zipf, rules)) >= rules.integer(
            "old_spelling_min_words", low=1
        )
        noisy = document_noise(counts, unknown) >= rules.number("real_word_min_noise", low=0, high=1)
        # A spelling the document repeats is its own in old print or clean print; in noisy print it is as
        # likely a misreading the OCR repeats (`woro` for every `were`).
        repairer.keeps_house_spellings = old_print or not noisy
        reading = _DocumentReading(text, repairer, unknown, old_print, rules)
        last = (
            self._last if self._last is not None and self._last.leads_to(text, (noisy, old_print)) else None
        )
        suspects = first_suspects = _suspects(counts, unknown, repairer, noisy, rules)
        verdicts: dict[VerdictKey, Verdict | None] = {}
        unchanged = None
        touched: set[str] = set()
        if last is not None:
            changed = last.changed_words(repairer)
            verdicts = last.untouched_verdicts(repairer, changed)
            # Words that were no suspects then had no verdict to keep (`Sydnoy` once `Sydney` appears).
            touched = suspects - last.first_suspects
            touched |= {token for token in suspects if _touched(repairer, token, changed)}
            unchanged = last.unchanged(last.first_pass, touched, text)
        first_pass = edits = reading.edits(suspects, verdicts, unchanged)
        if last is not None:
            last.first_pass = []  # carried over: the rest may go
        repairer.adapt(document_misreadings(text, first_pass))
        if repairer.is_adapted():
            # The second pass: only the verdicts on words whose candidates take one of the document's own
            # misreadings can change.
            kept = {
                key: verdict
                for key, verdict in verdicts.items()
                if not repairer.adapted(key[0], key[1]) or repairer.stays_unshown(verdict, key[0], key[1])
            }
            suspects = _suspects(counts, unknown, repairer, noisy, rules)
            if last is not None:
                rebonused = last.rebonused(repairer)
                touched |= suspects - last.final_suspects
                touched |= {token for token in suspects if _takes(repairer, token, rebonused)}
                unchanged = last.unchanged(last.final, touched, text)
            edits = reading.edits(suspects, kept, unchanged)
        # Misread capitals, specks read as marks and letters alone, where no repair is made; once put
        # right, the next reading reads the words beside them as neighbours, without a capital after them
        # (which tells of a name).
        afresh = drop_overlapping(
            edits, misread_capitals(text, counts, rules), speck_marks(text, rules), stray_letters(text, rules)
        )[len(edits) :]
        self._last = _LastReading(
            text,
            (noisy, old_print),
            repairer,
            verdicts,
            (first_suspects, suspects),
            (first_pass, edits),
            afresh,
        )
        return [*edits, *afresh]


def _touched(repairer: WordRepairer, token: str, changed: tuple[set[str], set[str]]) -> bool:
    """Whether the document's counts that a token's verdict depends on have changed (``changed``: the
    words whose count changed, and those whose document use did): its own (its prior), its candidates'
    document use, or, where the token is common enough to be a house spelling, its candidates' counts."""
    counted, reweighed = changed
    lower = token.lower()
    if lower in counted or lower in reweighed:
        return True
    house = repairer.keeps_house_spellings and repairer.folded_counts[lower] >= repairer.house_count
    if not (reweighed or house):
        return False  # the common case in a later reading: no candidate's count can matter
    forms = [form.lower() for form, _ in repairer.candidate_scores(token, False)]
    if any(form in reweighed for form in forms):
        return True
    return house and any(form in counted for form in forms[: repairer.in_context])


def _takes(repairer: WordRepairer, token: str, runs: set[tuple[str, str]]) -> bool:
    """Whether any candidate of the token takes one of ``runs`` (misreadings whose bonus has changed)."""
    if not runs:
        return False
    lower = token.lower()
    return any(
        run in runs
        for form, _ in repairer.candidate_scores(token, False)
        if " " not in form
        for run in differing_runs(lower, form.lower())
    )


class _LastReading:
    """What a reading leaves the next: its text's length and settings, its counts, verdicts and edits."""

    def __init__(
        self,
        text: str,
        flags: tuple[bool, bool],
        repairer: WordRepairer,
        verdicts: dict[VerdictKey, Verdict | None],
        suspects: tuple[set[str], set[str]],
        edits: tuple[list[Edit], list[Edit]],
        afresh: list[Edit],
    ) -> None:
        self.flags, self.verdicts = flags, verdicts
        # Of the reading's repairer only what the next reading compares (its caches may go).
        self.counts, self.bonuses = repairer.folded_counts, repairer.bonuses()
        self.total_words = repairer.total_words
        self.keeps_house_spellings = repairer.keeps_house_spellings
        # The suspects and edits of its first pass and of its last (the second, or the first again).
        self.first_suspects, self.final_suspects = suspects
        self.first_pass, self.final = edits
        # The repairs' edits are carried to the next reading where they hold; the misread capitals and
        # specks (``afresh``) are found afresh, but where they were put right, as where repairs were,
        # verdicts are made again.
        self.applied = sorted(
            (edit for edit in self.final + afresh if edit.applied), key=lambda edit: edit.start
        )
        growth = sum(len(edit.replacement) - (edit.end - edit.start) for edit in self.applied)
        self.next_length = len(text) + growth
        self._moves: tuple[list[int], list[tuple[int, int]]] | None = None

    def leads_to(self, text: str, flags: tuple[bool, bool]) -> bool:
        """Whether ``text`` can be this reading's text with its applied edits made, read with the same
        document-wide settings (noisy print, old print): else the next reading starts afresh."""
        return len(text) == self.next_length and flags == self.flags

    def changed_words(self, repairer: WordRepairer) -> tuple[set[str], set[str]]:
        """The words whose count differs in ``repairer``'s reading, and those whose document use (see
        ``WordRepairer.document_use``) does: the number of words sets what a common word's count means."""
        counts, before = repairer.folded_counts, self.counts
        counted = {word for word in counts.keys() | before.keys() if counts[word] != before[word]}
        looked_at = counted
        if repairer.total_words != self.total_words:
            looked_at = counted | {word for word, count in counts.items() if count >= 2}
        reweighed = {
            word
            for word in looked_at
            if repairer.use_beyond_expected(word, counts, repairer.total_words)
            != repairer.use_beyond_expected(word, before, self.total_words)
        }
        return counted, reweighed

    def untouched_verdicts(
        self, repairer: WordRepairer, changed: tuple[set[str], set[str]]
    ) -> dict[VerdictKey, Verdict | None]:
        """The first-pass verdicts that still hold: those of tokens whose counts, and whose candidates'
        counts, are as they were (the words beside a token are part of the verdict's key)."""
        verdicts, self.verdicts = self.verdicts, {}  # asked once: the memo goes as soon as it is read
        if repairer.keeps_house_spellings != self.keeps_house_spellings:
            return {}
        return {key: verdict for key, verdict in verdicts.items() if not _touched(repairer, key[0], changed)}

    def rebonused(self, repairer: WordRepairer) -> set[tuple[str, str]]:
        """The misreadings whose bonus differs between this reading and ``repairer``'s."""
        before, now = self.bonuses, repairer.bonuses()
        return {run for run in before.keys() | now.keys() if before.get(run, 0.0) != now.get(run, 0.0)}

    def unchanged(self, edits: list[Edit], touched: set[str], text: str) -> _Unchanged:
        """This reading's ``edits`` (in text order) where they still hold in ``text``, the next reading's
        text: for the occurrences no applied edit came near; ``touched`` tokens are judged again
        wherever they stand."""
        if self._moves is None:  # the same for both passes of the next reading
            self._moves = self._applied_moves(text)
        return _Unchanged(edits, self.applied, *self._moves, touched)

    def _applied_moves(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """How far the applied edits move the text after each (cumulative), and the windows of ``text``
        around them where verdicts may have changed."""
        shifts = list(accumulate(len(edit.replacement) - (edit.end - edit.start) for edit in self.applied))
        windows = []
        for edit, shift in zip(self.applied, shifts, strict=True):
            end = edit.end + shift
            start = end - len(edit.replacement)
            # The token before (the repair is its next word, however far), the tokens after it within
            # the reach of the word-before search, and those inside.
            before = start
            while before > 0 and text[before - 1] in " \t\n":
                before -= 1
            windows.append((min(before, start - _NEAR), end + _NEAR))
        return shifts, windows


class _Unchanged:
    """The last reading's edits (in its text, in text order) for occurrences that no applied edit came near
    (``windows``, sorted, in this text) and whose token is not ``touched``: they hold as they were, moved
    by the applied edits before them. Asked about occurrences in text order, it walks both lists once."""

    def __init__(
        self,
        edits: list[Edit],
        applied: list[Edit],
        shifts: list[int],
        windows: list[tuple[int, int]],
        touched: set[str],
    ) -> None:
        self.touched, self.windows = touched, windows
        self._edits, self._applied, self._shifts = edits, applied, shifts
        self._window = self._edit = self._before = 0  # the walks' positions

    def holds(self, token: str, start: int, end: int) -> bool:
        """Whether the occurrence's verdict is the last reading's (see ``edit_at`` for its edit)."""
        if token in self.touched:
            return False
        windows = self.windows
        while self._window < len(windows) and windows[self._window][1] < start:
            self._window += 1
        # Windows are sorted by both ends: only the first not wholly before the occurrence can meet it.
        return self._window == len(windows) or windows[self._window][0] > end

    def edit_at(self, start: int) -> Edit | None:
        """The last reading's edit of the occurrence that starts at ``start`` in this text, moved there."""
        edits, applied = self._edits, self._applied
        while self._edit < len(edits):
            edit = edits[self._edit]
            while self._before < len(applied) and applied[self._before].end <= edit.start:
                self._before += 1
            inside = self._before < len(applied) and applied[self._before].start <= edit.start
            shift = self._shifts[self._before - 1] if self._before else 0
            if not inside and edit.start + shift > start:
                return None
            self._edit += 1
            if not inside and edit.start + shift == start:
                return replace(edit, start=start, end=edit.end + shift)
        return None


# What a verdict depends on: the token, whether it stands where a first name does, the words before and
# after it (lower case, or ""), and whether it begins a sentence or a line.
VerdictKey = tuple[str, bool, str, str, bool]


def _suspects(
    counts: Counter[str], unknown: set[str], repairer: WordRepairer, noisy: bool, rules: RuleTable
) -> set[str]:
    """The tokens to judge: unknown words worth it, and in a noisy document short known words that a
    likely enough candidate could have been (``tho``, ``bo``)."""
    suspects = {token for token in unknown if repairer.worth_judging(token)}
    if noisy:
        longest = rules.integer("real_word_max_length", low=0)
        suspects.update(
            token
            for token in counts.keys() - unknown
            if len(token) <= longest
            and token.isalpha()
            and repairer.worth_judging(token)
            and not _BROKEN_CASE.search(token)
            and repairer.may_be_misread(token)
        )
    return suspects


class _DocumentReading:
    """One pass over a document's tokens: the verdict on each suspect occurrence, made into an edit."""

    def __init__(
        self, text: str, repairer: WordRepairer, unknown: set[str], old_print: bool, rules: RuleTable
    ) -> None:
        self.text, self.repairer, self.unknown, self.old_print = text, repairer, unknown, old_print
        self.threshold = rules.number("confidence", low=0, high=1)
        self.short_threshold = rules.number("short_word_confidence", low=0, high=1)
        self.real_word_threshold = rules.number("real_word_confidence", low=0, high=1)
        self.short = rules.integer("short_word_length", low=0)
        # The first pass's suspects and their spans.
        self._first: tuple[set[str], array[int], array[int]] | None = None

    def _occurrences(self, suspects: set[str]) -> Iterator[tuple[str, int, int]]:
        """The suspects' occurrences, in text order. The first pass reads every token and keeps the spans
        of its suspects; a second pass whose suspects are all among them walks those spans alone (in
        clean print, a few in a hundred)."""
        text = self.text
        if self._first is not None and suspects <= self._first[0]:
            for start, end in zip(self._first[1], self._first[2], strict=True):
                if (token := text[start:end]) in suspects:
                    yield token, start, end
            return
        # Every token is read; only the first pass keeps spans (a second pass here has suspects it had not).
        record = self._first is None
        starts, ends = array("I"), array("I")  # four bytes a position: texts of up to 4 GB
        for match in self.repairer.tokens.finditer(text):
            if (token := match.group()) in suspects:
                start, end = match.span()
                if record:
                    starts.append(start)
                    ends.append(end)
                yield token, start, end
        if record:
            self._first = (suspects, starts, ends)

    def edits(
        self,
        suspects: set[str],
        verdicts: dict[VerdictKey, Verdict | None],
        unchanged: _Unchanged | None = None,
    ) -> list[Edit]:
        """Edits for the suspects' occurrences; ``verdicts`` is the memo of verdicts, filled as it goes;
        ``unchanged``, the last reading's edits where they hold."""
        if not suspects:
            return []
        text, repairer = self.text, self.repairer
        edits = []
        for token, start, end in self._occurrences(suspects):
            if unchanged is not None and unchanged.holds(token, start, end):
                if (kept := unchanged.edit_at(start)) is not None:
                    edits.append(kept)
                continue
            if _split_at_line_end(text, start, end) or _fragment_of_common_word(
                text, start, end, repairer.lexicon.trusted
            ):
                continue
            # The verdict depends on the token and its neighbours alone: phrases recur, so it is kept.
            # A capital at a sentence's or a line's start says nothing of a name (`Tho` there is `The`),
            # and a word in small letters may stand there for a capitalised one (`lhe`).
            sentence_start = _sentence_start(text, start)
            initial = sentence_start or text[start - 1 : start] == "\n"
            key = (
                token,
                _name_context(text, end, sentence_start),
                *_adjacent_words(text, start, end),
                initial,
            )
            if key in verdicts:
                verdict = verdicts[key]
            else:
                if len(verdicts) >= _CACHE_LIMIT:
                    verdicts.clear()  # a bound on memory for a file of millions of words
                verdict = verdicts[key] = repairer.judge(*key)
                if verdict is not None and verdict.shown and repairer.foreign(token, key[2:4]):
                    verdict = verdicts[key] = None
            if verdict is not None and verdict.shown:
                edits.append(self._edit(start, end, token, verdict))
        return edits

    def _edit(self, start: int, end: int, token: str, verdict: Verdict) -> Edit:
        """The edit for one verdict: applied where its posterior clears the bar for its kind of repair."""
        if " " in verdict.best:
            rule, needed = "split-words", self.threshold
        elif token not in self.unknown:
            rule, needed = "real-word-repair", self.real_word_threshold
        else:
            rule, needed = "word-repair", self.short_threshold if len(token) <= self.short else self.threshold
        others = ", ".join(f"{word} {p:.2f}" for word, p in verdict.others)
        note = f"{token} -> {verdict.best} {verdict.posterior:.2f}" + (f"; also {others}" if others else "")
        if self.repairer.bonus(token, verdict.best):
            note += f"; {self.repairer.misreading_note(token, verdict.best)}"
        if self.repairer.document_use(verdict.best.lower(), self.repairer.candidate_use_weight):
            count = self.repairer.folded_counts[verdict.best.lower()]
            note += f"; the document writes {verdict.best.lower()} {count} times"
        if self.old_print and same_spelling_of_old(token, verdict.best):
            needed, note = math.inf, f"{note}; the document is in old spelling (a suggestion only)"
        elif " " not in verdict.best and not self.repairer.known(verdict.best):
            # A rare word as the repair would be judged again on the next run (`ifVf` to `iff` to `if`).
            needed, note = math.inf, f"{note}; {verdict.best} is itself a rare word (a suggestion only)"
        return Edit(
            start,
            end,
            verdict.best,
            rule,
            confidence=verdict.posterior,
            applied=verdict.posterior >= needed,
            note=note,
        )


def document_misreadings(text: str, edits: list[Edit]) -> Counter[tuple[str, str]]:
    """The runs of differing characters (OCR's, print's) of the applied repairs of unknown words, each
    counted once a repair: the misreadings this document's OCR is seen to make.

    >>> edits = [Edit(0, 4, "the", "word-repair"), Edit(5, 10, "when", "word-repair")]
    >>> document_misreadings("tlie wlien", edits)
    Counter({('li', 'h'): 2})
    """
    misreadings: Counter[tuple[str, str]] = Counter()
    for edit in edits:
        if edit.applied and edit.rule == "word-repair":
            misreadings.update(
                set(differing_runs(text[edit.start : edit.end].lower(), edit.replacement.lower()))
            )
    return misreadings


def old_spellings(unknown: set[str], zipf: dict[str, float], rules: RuleTable) -> set[str]:
    """The document's unknown words that are a common word with a final ``e`` (``owne``, ``beene``,
    ``himselfe``): the mark of print before about 1700, whose spelling is the author's, not OCR's.

    >>> from pipeline.core.settings import Settings
    >>> zipf = {"own": 5.9, "been": 6.4}
    >>> sorted(old_spellings({"owne", "beene", "tbe", "hee"}, zipf, Settings().rules("ocr")))
    ['beene', 'owne']
    """
    least = rules.number("old_spelling_min_zipf", low=0)
    return {
        word
        for word in unknown
        if len(word) >= 4 and word.islower() and word.endswith("e") and zipf.get(word[:-1], 0.0) >= least
    }


def same_spelling_of_old(token: str, best: str) -> bool:
    """Whether two spellings differ only as old print and new do: an ``e`` (or a final ``s`` for it),
    doubled letters, ``u``/``v``, ``i``/``j``/``y`` (``hee``/``he``, ``entred``/``entered``,
    ``drinke``/``drinks``, ``voyce``/``voice``).

    >>> pairs = [("hee", "he"), ("betweene", "between"), ("entred", "entered"), ("voyce", "voice")]
    >>> [same_spelling_of_old(a, b) for a, b in pairs + [("tbe", "the"), ("tho", "the")]]
    [True, True, True, True, False, False]
    """
    return _old_print_key(token) in (_old_print_key(best), _old_print_key(best[:-1]))


@lru_cache(maxsize=_CACHE_LIMIT)
def _old_print_key(word: str) -> str:
    """The word in lower case with old print's letters as the modern ones, doubled letters single, and no
    ``e`` after its first letter."""
    single = _DOUBLED_LETTER.sub(r"\1", word.lower().translate(_OLD_PRINT_LETTERS))
    return single[:1] + single[1:].replace("e", "")


@lru_cache(maxsize=16)
def _mid_sentence_capitals(words: tuple[str, ...]) -> regex.Pattern[str]:
    """The given words, capitalised, where they stand mid-sentence: after a word that ends in a small
    letter or a digit, or after a comma or semicolon, on the same line (a capital that begins a line may
    begin a heading, a list item or a line of verse), and before a word (`Is.` and `Is 6d` are a misread
    `1s`, a shilling). Capitals only: a scan for them is ten times faster than one for the words in any
    case."""
    return regex.compile(
        r"(?<=[\p{Ll}\p{N},;][ \t]+)(?:"
        + "|".join(regex.escape(word.capitalize()) for word in words)
        + r")(?=\s+\p{L})"
    )


def misread_capitals(text: str, counts: Counter[str], rules: RuleTable) -> list[Edit]:
    """Words of ``misread_capital_words`` (``In``, ``Is``, ``It``) written in small letters where they
    stand mid-sentence with a capital, in a document whose OCR reads the capital for the small letter;
    ``counts``: the text's tokens.

    Print capitalises a common word mid-sentence seldom: after a lost full stop, in a title, in verse. The
    share of ``capital_control_words`` (``the``, ``and``) with a capital there is that rate; a short
    document says little of its own, so ``capital_prior_words`` control words more, at print's
    ``capital_prior_share``, are counted with it. A listed word has print's capital as much more often as
    it begins sentences more often than the control words (``It`` four times, ``Is`` a tenth: the
    listed shares and ``capital_control_start_share``). The document's capitals beyond those expected
    are misreadings, spread over the listed words by their counts: a word's capitals are misread in
    proportion to that rate against its own expected rate, and that is an edit's confidence.

    >>> from pipeline.core.settings import Settings
    >>> text = "men In the hall and the way to the end of the day, Is that so, as It was for the sake In a "
    >>> text += "town of the north and the south of the land"
    >>> edits = misread_capitals(text, count_matches(token_pattern(""), text), Settings().rules("ocr"))
    >>> [(text[e.start : e.end], e.replacement, round(e.confidence, 2), e.applied) for e in edits]
    [('In', 'in', 0.99, True), ('Is', 'is', 1.0, True), ('It', 'it', 0.98, True), ('In', 'in', 0.99, True)]
    """
    start_shares = rules.table("misread_capital_words")
    shares = {word.lower(): start_shares.number(word, low=0, high=1) for word in start_shares}
    words = tuple(sorted(shares))
    controls = tuple(sorted({word.lower() for word in rules.strings("capital_control_words")} - set(words)))
    capitals = list(_mid_sentence_capitals(words).finditer(text))
    if not capitals:
        return []  # the cheap test first: most documents have none
    control_capitals = sum(1 for _ in _mid_sentence_capitals(controls).finditer(text))
    control_all = control_capitals + sum(counts[word] for word in controls)
    prior_words = rules.number("capital_prior_words", low=1)
    control_rate = (control_capitals + prior_words * rules.number("capital_prior_share", low=0, high=1)) / (
        control_all + prior_words
    )
    per_start = control_rate / rules.number("capital_control_start_share", low=0.001, high=1)
    print_rates = {word: per_start * share for word, share in shares.items()}
    capitals_of = Counter(match.group().lower() for match in capitals)
    listed_all = len(capitals) + sum(counts[word] for word in words)
    expected = sum(print_rates[word] * (counts[word] + capitals_of[word]) for word in words)
    misread_rate = (len(capitals) - expected) / listed_all
    if misread_rate <= 0:
        return []
    suggested = rules.number("suggest_confidence", low=0, high=1)
    needed = rules.number("confidence", low=0, high=1)
    note = (
        f"{len(capitals)} of the document's {listed_all} such words have a capital mid-sentence, "
        f"{control_capitals} of its {control_all} other common words: the document's own misreading"
    )
    edits = []
    for match in capitals:
        word = match.group().lower()
        confidence = misread_rate / (misread_rate + print_rates[word])
        if confidence >= suggested:
            applied = confidence >= needed
            edits.append(Edit(match.start(), match.end(), word, "misread-capital", confidence, applied, note))
    return edits


def speck_marks(text: str, rules: RuleTable) -> list[Edit]:
    """Full stops, commas and the like that are specks OCR read as marks: one between a space and a word
    in small letters (``the .premises``, ``of ;the``), and a full stop before a word in small letters
    after a word that ends no sentence (``words_ending_no_sentence``: ``favour of. the``) or that forms a
    phrase with it (``speck_phrase_association``: ``to take. him``).

    >>> from pipeline.core.settings import Settings
    >>> rules = Settings().rules("ocr")
    >>> text = "the .premises, of. the, 'with. the, of\\n. a, to take. him"
    >>> [text[edit.start - 3 : edit.end + 2] for edit in speck_marks(text, rules)]
    ['he .pr', ' of. t', 'ith. t', 'of\\n. a', 'ake. h']
    >>> speck_marks("the house. the end, of. The 5 .5 or i.e. the 4to. cloth o'. the, a crown. here", rules)
    []
    >>> speck_marks("ten per cent. of them", rules)  # an abbreviation's full stop (``abbreviations``)
    []
    """
    confidence = rules.number("speck_mark_confidence", low=0, high=1)
    applied = confidence >= rules.number("confidence", low=0, high=1)

    def speck(start: int, why: str) -> Edit:
        return Edit(
            start, start + 1, "", "speck-as-mark", confidence, applied, f"a speck read as a mark: {why}"
        )

    edits = [speck(match.start(), "before a word") for match in _MARK_BEFORE_WORD.finditer(text)]
    if "." in text:
        ending_none = frozenset(word.lower() for word in rules.strings("words_ending_no_sentence"))
        phrase = rules.number("speck_phrase_association", low=0)
        abbreviations = frozenset(rules.strings("abbreviations"))
        for match in _FULL_STOP_BEFORE_SMALL.finditer(text):
            word, after = match.group("word"), match.group("next")
            if word.lower() in ending_none:
                edits.append(speck(match.start(), f"'{word}' ends no sentence"))
            # The pair list is read (once a process) only when a full stop stands between two such words.
            elif (
                word.islower()
                and word not in abbreviations
                and english_word_pairs().association(word, after) >= phrase
            ):
                edits.append(speck(match.start(), f"'{word} {after}' is a phrase"))
    return sorted(edits, key=lambda edit: edit.start)


def stray_letters(text: str, rules: RuleTable) -> list[Edit]:
    """Small letters standing alone between two words that print sets together: a speck, or a piece of
    the next column's text read into the line (``been n, taken``). The words either side must form a
    phrase (``speck_phrase_association``, as for a speck read as a full stop), so that a letter standing
    for a word (``n dwelling`` for ``a dwelling``) stays for the word repair; and a letter that is a word
    or an abbreviation of its own (``letters_standing_alone``: ``Smith v Jones``) stays, and so does a
    letter that makes a word with either neighbour (``a w indow``).

    >>> from pipeline.core.settings import Settings
    >>> rules = Settings().rules("ocr")
    >>> text = "having been n, taken by the Home Office; in n dwelling; Smith v Jones; a w indow sill"
    >>> [(text[edit.start : edit.end], edit.applied) for edit in stray_letters(text, rules)]
    [('n, ', True)]
    """
    if not _LETTER_ALONE.search(text):
        return []  # the cheap check first: clean print has next to no small letters alone
    standing = frozenset(rules.strings("letters_standing_alone"))
    pairs = english_word_pairs()
    phrase = rules.number("speck_phrase_association", low=0)
    confidence = rules.number("stray_letter_confidence", low=0, high=1)
    applied = confidence >= rules.number("confidence", low=0, high=1)
    edits = []
    for match in _LETTER_ALONE.finditer(text):
        before, letter, after = match.group("before"), match.group("letter"), match.group("after")
        if letter in standing or pairs.association(before.lower(), after.lower()) < phrase:
            continue
        if _broken_off(before.lower(), before.lower() + letter) or _broken_off(
            after.lower(), letter + after.lower()
        ):
            continue  # a letter broken off a word (`analogou s`, `w indow`), for the word repair
        note = f"a letter alone between '{before} {after}', a phrase: a speck or a piece of another column"
        edits.append(Edit(match.start(), match.end(), "", "stray-letter", confidence, applied, note))
    return edits


def _broken_off(piece: str, joined: str) -> bool:
    """Whether a piece no lexicon knows makes a word with a letter beside it (``indow`` with ``w``)."""
    return not zipf(piece) and bool(zipf(joined))


def suggest_doubled_words(text: str, rules: RuleTable) -> list[Edit]:
    """Suggest dropping the second of two same words (``more more humane``); legitimate doublings pass.

    >>> from pipeline.core.settings import Settings
    >>> rules = Settings().rules("doubled-words")
    >>> [(e.start, e.end, e.applied) for e in suggest_doubled_words("any more more humane", rules)]
    [(8, 13, False)]
    """
    legitimate = {word.lower() for word in rules.strings("legitimate")}
    shortest = rules.integer("min_length", low=1)
    edits = []
    for match in _DOUBLED.finditer(text):
        word = match.group(1)
        if len(word) < shortest or word.lower() in legitimate:
            continue
        if (
            text[match.start() - 1 : match.start()] in _JOINING_MARKS
            or text[match.end() : match.end() + 1] in _JOINING_MARKS
        ):
            continue
        edits.append(
            Edit(
                match.start(2),
                match.end(3),
                "",
                "doubled-word",
                confidence=0.5,
                applied=False,
                note=f"'{word}' twice; legitimate doublings are listed in rules/doubled-words.toml",
            )
        )
    return edits


def run(document: Document, settings: Settings) -> list[Edit]:
    """Repair confused words and suggest doubled words, as ``rules/ocr.toml`` and the word lists say.

    The words are read again with the repairs made, until a reading repairs nothing (``readings`` at
    most): a repair changes its neighbours' context and the document's counts, and the stage run on its
    own output must find nothing more to do.
    """
    text = document.text
    extra_words = user_words(settings.rules_dir)
    rules = settings.rules("ocr")
    readings = rules.integer("readings", low=1)
    return [
        *settle(text, DocumentReader(rules, extra_words), readings),
        *suggest_doubled_words(text, settings.rules("doubled-words")),
    ]
