"""Stage `ocr`: OCR character confusions repaired by a noisy channel; doubled words suggested.

A word read by OCR that no lexicon knows (wordfreq's English list, the document's own words, the user's
word lists in ``rules/lexicon/``) is compared with candidate words found two ways: by undoing the
confusions of ``rules/ocr.toml`` (``rn`` read for ``m``, ``li`` for ``h``) and by a SymSpell-style
deletion index over wordfreq's most frequent words. Each candidate scores its word frequency (zipf) less
the channel cost of its being read as what OCR gave; the word as read competes with a prior for words in
no lexicon. The best candidate is applied when its posterior reaches ``ocr.confidence`` and suggested
when it reaches ``ocr.suggest_confidence``. Names, transliterations, numbers, abbreviations and words
split at a line end are left as the author wrote them.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import regex
import wordfreq
from rapidfuzz.distance import Levenshtein

from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.lexicon import user_words, zipf
from pipeline.core.rules import RuleTable
from pipeline.core.settings import Settings

# A token: letters and digits (digits are often letters misread: `bro1ught`), with inner apostrophes.
TOKEN = regex.compile(r"[\p{L}\p{N}|]+(?:['’][\p{L}]+)*")
_NUMBER_LIKE = regex.compile(r"\d+(?:[.,/:]\d+)*\p{L}{0,2}")
_NON_LATIN = regex.compile(r"[^\p{Script=Latin}\p{N}|'’]")
# Letter case no printed word has: a capital after a small letter (`aU`), or two capitals before small
# letters (`VVoroshilov`, `THe`).
_BROKEN_CASE = regex.compile(r"\p{Ll}\p{Lu}|^\p{Lu}{2}\p{Ll}")
_DOUBLED = regex.compile(
    r"(?<![\p{L}\p{N}'’-])(\p{L}++)([ \t]+|[ \t]*\n[ \t]*)(\1)(?![\p{L}\p{N}'’-])", regex.I
)
_SENTENCE_END = frozenset(".!?")
_BEFORE_CAPITAL = regex.compile(r"[ \t]*\n?[ \t]*\p{Lu}")
_APOSTROPHE = regex.compile(r"['’]")


@dataclass(frozen=True)
class Verdict:
    """What the channel says of one word: the best reading, its posterior, and the runners-up."""

    best: str
    posterior: float
    others: tuple[tuple[str, float], ...]


class Channel:
    """Weighted edit distance between what OCR read and a candidate, with the confusion table's costs.

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
        # Segment length pairs longer than one-for-one: the DP looks only for these.
        self._long = [(o, t, cost) for (o, t), cost in table.items() if len(o) + len(t) > 2]
        self._cache: dict[tuple[str, str], float] = {}

    def cost(self, ocr: str, truth: str) -> float:
        """-log10 of the chance that ``truth`` in print was read as ``ocr`` (cheapest alignment).

        Only the differing middle is aligned, with one letter of context either side for confusions
        that straddle it: the shared start and end cost nothing.
        """
        key = (ocr, truth)
        cached = self._cache.get(key)
        if cached is None:
            head = 0
            while head < len(ocr) and head < len(truth) and ocr[head] == truth[head]:
                head += 1
            tail = 0
            while tail < len(ocr) - head and tail < len(truth) - head and ocr[-1 - tail] == truth[-1 - tail]:
                tail += 1
            head, tail = max(0, head - 1), max(0, tail - 1)
            cached = round(self._align(ocr[head : len(ocr) - tail], truth[head : len(truth) - tail]), 6)
            self._cache[key] = cached
        return cached

    def _align(self, ocr: str, truth: str) -> float:
        table, n, m = self.table, len(ocr), len(truth)
        inf = math.inf
        lookup = table.get
        substitution, insertion, deletion = self.substitution, self.insertion, self.deletion
        doubled, case = self.doubled, self.case
        # The longer confusions whose OCR side ends at each position of ``ocr``: few, so the cells look
        # only at these rather than at every segment length of the table.
        ending: list[list[tuple[int, str, float]]] = [[] for _ in range(n + 1)]
        for seen, printed, step in self._long:
            if not seen:
                for i in range(n + 1):
                    ending[i].append((0, printed, step))
                continue
            at = ocr.find(seen)
            while at >= 0:
                ending[at + len(seen)].append((len(seen), printed, step))
                at = ocr.find(seen, at + 1)
        rows = [[inf] * (m + 1) for _ in range(n + 1)]
        rows[0][0] = 0.0
        for i in range(n + 1):
            row = rows[i]
            above = rows[i - 1] if i else None
            a = ocr[i - 1] if i else ""
            if i:
                extra = doubled if i > 1 and ocr[i - 2] == a else lookup((a, ""), insertion)
            spans = ending[i]
            for j in range(m + 1):
                best = inf
                if i:
                    if j:
                        b = truth[j - 1]
                        if a == b:
                            best = above[j - 1]
                        else:
                            best = above[j - 1] + lookup(
                                (a, b), case if a.lower() == b.lower() else substitution
                            )
                    best = min(best, above[j] + extra)
                elif not j:
                    continue
                if j:
                    best = min(best, row[j - 1] + lookup(("", truth[j - 1]), deletion))
                for lo, printed, step in spans:
                    lt = len(printed)
                    if lt <= j and truth.startswith(printed, j - lt):
                        best = min(best, rows[i - lo][j - lt] + step)
                row[j] = best
        return rows[n][m]


class Lexicon:
    """wordfreq's English words as zipf frequencies, the trusted set, and a deletion index for lookups.

    >>> lexicon = shared_lexicon(1.0, 3.0, 2000)
    >>> "the" in lexicon.trusted, lexicon.zipf["iosif"] > 1, "th" in lexicon.neighbours("tbe")
    (True, True, False)
    """

    def __init__(self, min_zipf: float, trusted_zipf: float, index_words: int) -> None:
        frequencies = wordfreq.get_frequency_dict("en", wordlist="large")
        self.zipf = {
            word: value
            for word, frequency in frequencies.items()
            if (value := math.log10(frequency) + 9) >= min_zipf and word.isalpha()
        }
        self.trusted = frozenset(word for word, value in self.zipf.items() if value >= trusted_zipf)
        self._index_words = index_words
        self._index: dict[str, list[str]] | None = None

    def neighbours(self, word: str, deletions: int = 2) -> set[str]:
        """Indexed words one deletion from ``word`` with up to ``deletions`` deleted (SymSpell lookup)."""
        index = self._deletion_index()
        found: set[str] = set()
        for variant in _deletes(word, deletions):
            found.update(index.get(variant, ()))
        return found

    def _deletion_index(self) -> dict[str, list[str]]:
        """Each frequent word under itself and its one-letter deletions: built once, on first need."""
        if self._index is None:
            ranked = sorted(self.zipf, key=self.zipf.__getitem__, reverse=True)[: self._index_words]
            index: dict[str, list[str]] = {}
            for word in ranked:
                for variant in _deletes(word, 1):
                    index.setdefault(variant, []).append(word)
            self._index = index
        return self._index


@lru_cache(maxsize=4)
def shared_lexicon(min_zipf: float, trusted_zipf: float, index_words: int) -> Lexicon:
    """One lexicon per process and setting: loading wordfreq and indexing take a second."""
    return Lexicon(min_zipf, trusted_zipf, index_words)


def _deletes(word: str, deletions: int) -> set[str]:
    """``word`` and every string made by deleting up to ``deletions`` of its letters (none emptied).

    >>> sorted(_deletes("abc", 1))
    ['ab', 'abc', 'ac', 'bc']
    """
    found = {word}
    frontier = {word}
    for _ in range(deletions):
        frontier = {w[:k] + w[k + 1 :] for w in frontier if len(w) > 1 for k in range(len(w))}
        found |= frontier
    return found


@lru_cache(maxsize=16)
def _channel(rules: RuleTable) -> Channel:
    table: dict[tuple[str, str], float] = {}
    for entry in rules.tables("confusion"):
        ocr, truth = entry.text("ocr"), entry.text("truth")
        table[(ocr, truth)] = entry.number("cost", low=0)
    return Channel(
        table,
        substitution=rules.number("substitution_cost", low=0),
        insertion=rules.number("insertion_cost", low=0),
        deletion=rules.number("deletion_cost", low=0),
        doubled=rules.number("doubled_letter_cost", low=0),
        case=rules.number("case_cost", low=0),
    )


@lru_cache(maxsize=16)
def _score_cache(rules: RuleTable) -> dict[tuple[str, str, bool], dict[str, float]]:
    return {}


def _second(pair: tuple[str, float]) -> float:
    return pair[1]


class WordRepairer:
    """Judges the unknown words of one document against candidates; caches verdicts by word and context."""

    def __init__(self, rules: RuleTable, counts: Counter[str], extra_words: frozenset[str]) -> None:
        self.rules = rules
        self.lexicon = shared_lexicon(
            rules.number("lexicon_min_zipf", low=0),
            rules.number("trusted_zipf", low=0),
            rules.integer("index_words", low=0),
        )
        self.channel = _channel(rules)
        self.extra_words = extra_words
        self.counts = counts
        self.folded_counts: Counter[str] = Counter()
        for word, count in counts.items():
            self.folded_counts[word.lower()] += count
        self.prior_of_case = {
            "lower": rules.number("unknown_lower_zipf"),
            "capitalised": rules.number("unknown_capitalised_zipf"),
            "upper": rules.number("unknown_upper_zipf"),
        }
        self.long_length = rules.integer("trusted_long_length", low=1)
        self.long_zipf = rules.number("trusted_long_zipf", low=0)
        self.name_length = rules.integer("trusted_name_length", low=1)
        self.name_zipf = rules.number("trusted_name_zipf", low=0)
        self.expansions = self._confusions_by_ocr()
        self.capital_misreadings = {
            (t, o) for o, t in self.channel.table if len(t) == len(o) == 1 and t.isupper()
        }
        self._verdicts: dict[tuple[str, bool], Verdict | None] = {}

    def _confusions_by_ocr(self) -> dict[str, list[tuple[str, str, float]]]:
        """Table entries and costs by the first character of what OCR read, to find where they apply."""
        by_first: dict[str, list[tuple[str, str, float]]] = {}
        for (ocr, truth), cost in self.channel.table.items():
            if ocr:
                by_first.setdefault(ocr[0], []).append((ocr, truth, cost))
        return by_first

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

    def judge(self, token: str, name_context: bool) -> Verdict | None:
        """The verdict on an unknown token, or None when it is to be left as written."""
        key = (token, name_context)
        if key not in self._verdicts:
            self._verdicts[key] = self._judge(token, name_context)
        return self._verdicts[key]

    def _judge(self, token: str, name_context: bool) -> Verdict | None:
        rules = self.rules
        if len(token) < rules.integer("min_length", low=1) or _left_as_written(token):
            return None
        case = _case_class(token)
        if case != "lower" and self.folded_counts[token.lower()] >= 2:
            return None  # a capitalised word that recurs in the document is evidence for itself
        if case == "upper" and len(token) <= 4:
            return None  # abbreviations
        scores = self._candidate_scores(token, case, name_context)
        own = self._own_score(token, case)
        scores.pop(token, None)
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        top = max(own, ranked[0][1])
        total = 10 ** (own - top) + sum(10 ** (score - top) for _, score in ranked)
        posteriors = [(word, 10 ** (score - top) / total) for word, score in ranked[:4]]
        best, posterior = posteriors[0]
        if posterior < rules.number("suggest_confidence", low=0, high=1):
            return None
        return Verdict(best, posterior, tuple(posteriors[1:]))

    def foreign(self, token: str, neighbours: tuple[str, ...]) -> bool:
        """A common word of another language next to another word of it (``Londres sont belles``).

        OCR errors are often words of some language (``havo``, ``aro``): a neighbour more common in
        that language than in English is what tells a quotation from a misreading.
        """
        floor = self.rules.number("other_language_zipf")
        others = [word.lower() for word in neighbours]
        return any(
            zipf(token.lower(), language) >= floor
            and any(zipf(word, language) >= max(floor, zipf(word)) for word in others)
            for language in self.rules.strings("other_languages")
        )

    def _own_score(self, token: str, case: str) -> float:
        """Prior that the token is what the author wrote: lexicon, case, the document's own use."""
        lower = token.lower()
        zipf = self.lexicon.zipf.get(lower, 0.0)
        prior = max(zipf, self.prior_of_case[case])
        if case != "lower" and zipf:
            prior += self.rules.number("known_name_bonus")
        count = self.folded_counts[lower]
        if count > 1:
            prior += self.rules.number("document_weight") * math.log10(count)
        if _BROKEN_CASE.search(token):
            prior -= self.rules.number("broken_case_penalty")
        return prior

    def _candidate_scores(self, token: str, case: str, name_context: bool) -> dict[str, float]:
        """Every candidate's score; they depend on the rules alone, so they are kept for the process."""
        cache = _score_cache(self.rules)
        key = (token, case, name_context)
        if key not in cache:
            cache[key] = self._score_candidates(token, case, name_context)
        return dict(cache[key])

    def _score_candidates(self, token: str, case: str, name_context: bool) -> dict[str, float]:
        """Score every candidate within reach: confusions undone, and near words from the index."""
        rules = self.rules
        zipf = self.lexicon.zipf
        lower = token.lower()
        limit = min(
            rules.integer("max_edits", low=0), max(1, int(len(token) * rules.number("max_edit_share")))
        )
        # Spellings with the table's confusions undone are in reach however far they are in edits; near
        # words of the index are ranked by frequency less distance. The channel is costly to run, so
        # each source gives at most max_candidates words.
        most = rules.integer("max_candidates", low=1)
        reached: dict[str, float] = {}
        variants = sorted(self._expand(token, rules.integer("max_confusions", low=0)).items(), key=_second)
        for rank, (variant, cost) in enumerate(variants):
            # The cheapest spellings may also carry one letter too many (`tbee`): try them less one.
            for word in _deletes(variant.lower(), 1 if rank < most else 0):
                if word in zipf and word != lower:
                    estimate = zipf[word] - cost - (len(variant) - len(word)) * self.channel.insertion
                    reached[word] = max(estimate, reached.get(word, -math.inf))
        near = []
        for word in self.lexicon.neighbours(lower) - reached.keys():
            distance = Levenshtein.distance(lower, word, score_cutoff=limit)
            if 0 < distance <= limit:
                near.append((zipf[word] - 2.0 * distance, word))
        candidates = [
            *sorted(reached, key=reached.__getitem__, reverse=True)[:most],
            *(word for _, word in sorted(near, reverse=True)[:most]),
        ]
        bonus = rules.number("name_context_bonus")
        scores: dict[str, float] = {}
        for word in candidates:
            for form in self._renderings(token, word, case):
                score = zipf[word] - self.channel.cost(token, form)
                if name_context and case == "lower" and form[0].isupper():
                    score += bonus
                if score > scores.get(form, -math.inf):
                    scores[form] = score
        return scores

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

    def _expand(self, token: str, depth: int) -> dict[str, float]:
        """The token with up to ``depth`` confusions of the table undone, cheapest first.

        At most ``max_variants`` spellings, each with its cost: a word full of ``o``, ``e`` and ``l`` has
        thousands.
        """
        most = self.rules.integer("max_variants", low=1)
        expansions = self.expansions
        found = {token: 0.0}
        queue = [(0.0, 0, token)]
        while queue and len(found) < most:
            cost, steps, variant = heapq.heappop(queue)
            if steps == depth:
                continue
            steps += 1
            for start, char in enumerate(variant):
                for ocr, truth, step in expansions.get(char, ()):
                    if variant.startswith(ocr, start):
                        grown = variant[:start] + truth + variant[start + len(ocr) :]
                        if grown not in found:
                            found[grown] = cost + step
                            heapq.heappush(queue, (cost + step, steps, grown))
        return found


def _left_as_written(token: str) -> bool:
    """Numbers, dates and other scripts are the author's: no letters to repair, or not Latin ones.

    >>> [_left_as_written(word) for word in ("1937", "11th", "Москва", "losif")]
    [True, True, True, False]
    """
    return bool(_NUMBER_LIKE.fullmatch(token) or _NON_LATIN.search(token)) or not any(
        c.isalpha() for c in token
    )


def _case_class(token: str) -> str:
    """``upper``, ``capitalised`` or ``lower``, from the token's letters.

    >>> _case_class("NKVD"), _case_class("Stalin"), _case_class("losif"), _case_class("1ondon")
    ('upper', 'capitalised', 'lower', 'lower')
    """
    letters = [char for char in token if char.isalpha()]
    if len(letters) > 1 and all(char.isupper() for char in letters):
        return "upper"
    return "capitalised" if token[0].isupper() else "lower"


def _split_at_line_end(text: str, start: int, end: int) -> bool:
    """A token hyphenated at a line end (``Thorns-`` / ``hope``) is a fragment: reflow's business."""
    after = text[end : end + 3]
    if after.startswith("-") and after[1:].lstrip(" \t")[:1] in ("\n", ""):
        return True
    before = text[max(0, start - 4) : start].rstrip(" \t")
    return before.endswith("-\n")


def _neighbours(text: str, start: int, end: int) -> tuple[str, ...]:
    """The words either side of a token, within its line.

    >>> _neighbours("Paris et Londres sont belles", 17, 21)
    ('Londres', 'belles')
    """
    before = TOKEN.findall(text[max(0, start - 40) : start].rpartition("\n")[2])
    after = TOKEN.findall(text[end : end + 40].partition("\n")[0])
    return tuple(before[-1:] + after[:1])


def _name_context(text: str, start: int, end: int) -> bool:
    """Mid-sentence and before a capitalised word: where a first name stands (``losif Stalin``)."""
    before = text[max(0, start - 3) : start].rstrip(" \t\"'“‘(")
    if not before or before[-1] in _SENTENCE_END or before.endswith("\n\n"):
        return False
    return _BEFORE_CAPITAL.match(text, end) is not None


def repair_words(text: str, rules: RuleTable, extra_words: frozenset[str]) -> list[Edit]:
    """Edits for the unknown words whose best candidate is likely enough: applied, or suggested.

    >>> from pipeline.core.settings import Settings
    >>> [(e.replacement, e.applied) for e in repair_words("tbe end", Settings().rules("ocr"), frozenset())]
    [('the', True)]
    """
    counts = Counter(TOKEN.findall(text))
    repairer = WordRepairer(rules, counts, extra_words)
    suspects = {token for token in counts if not repairer.known(token)}
    if not suspects:
        return []
    threshold = rules.number("confidence", low=0, high=1)
    short_threshold = rules.number("short_word_confidence", low=0, high=1)
    short = rules.integer("short_word_length", low=0)
    edits = []
    for match in TOKEN.finditer(text):
        token = match.group()
        if token not in suspects:
            continue
        start, end = match.span()
        if _split_at_line_end(text, start, end):
            continue
        verdict = repairer.judge(token, _name_context(text, start, end))
        if verdict is None or repairer.foreign(token, _neighbours(text, start, end)):
            continue
        others = ", ".join(f"{word} {p:.2f}" for word, p in verdict.others)
        note = f"{token} -> {verdict.best} {verdict.posterior:.2f}" + (f"; also {others}" if others else "")
        edits.append(
            Edit(
                start,
                end,
                verdict.best,
                "word-repair",
                confidence=verdict.posterior,
                applied=verdict.posterior >= (short_threshold if len(token) <= short else threshold),
                note=note,
            )
        )
    return edits


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
    """Repair confused words and suggest doubled words, as ``rules/ocr.toml`` and the word lists say."""
    text = document.text
    extra_words = user_words(settings.rules_dir)
    return [
        *repair_words(text, settings.rules("ocr"), extra_words),
        *suggest_doubled_words(text, settings.rules("doubled-words")),
    ]
