"""Stage `reflow`: scanned lines joined into paragraphs, words split at line ends put back together.

A scan keeps the printed page's lines. Reflow decides, for every break between two lines, whether the
typesetter ended the line because it was full (join it to the next) or the author ended it (a paragraph
end, a heading, an address, a signature, a list item: keep it). No single rule decides: the evidence
(the line's length against the page's width, how the line ends, how the next one starts, indentation,
words that cannot end a sentence) is summed with the weights in ``rules/reflow.toml``.

The output has one paragraph a line and one blank line between paragraphs; lines that are not running
prose keep their breaks. Page breaks (a line holding only a form feed, left by the ``furniture`` stage)
are removed: the paragraph runs on over the break, or the break becomes a paragraph break.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from itertools import groupby, pairwise
from operator import attrgetter

import regex

from pipeline.core.document import PAGE_BREAK, Document
from pipeline.core.edits import Edit
from pipeline.core.large_text import line_pieces
from pipeline.core.lexicon import zipf
from pipeline.core.rules import RuleTable
from pipeline.core.settings import Settings
from pipeline.core.settle import settle

SOFT_HYPHEN = "\u00ad"
# A word written with a hyphen inside a line: the letters either side (``str.isalpha``'s letters). The
# hyphen is found first and the letters before it read backwards, so a scan costs little more than a
# search for the hyphens.
_HYPHENATED = regex.compile(r"(?<=(\p{L}+))-(\p{L}+)")
_OPENERS = "\"'“‘([«"
# A word broken at a line end whose lines were joined before us (``pro- perty``): letters, a hyphen, then
# spaces and letters, inside one line. As for ``_HYPHENATED``, the hyphen is found first and the letters
# before it read backwards (40 times faster than trying a word at every letter).
_BROKEN_INSIDE_LINE = regex.compile(r"(?<=(?<![\p{L}-])(\p{L}+))-([ \t]+)(\p{L}+)(?![\p{L}-])")
# Reflow works a group of at least this many lines at a time, cut where blank lines end a paragraph (a
# break never joined), so that a large scan never has all its lines and breaks as objects at once.
GROUP_LINES = 2000


@dataclass(frozen=True)
class EvidenceWeights:
    """Log-odds that a line break is the typesetter's (join) rather than the author's (keep)."""

    prior: float
    short_line: float
    full_line: float
    sentence_end: float
    comma: float
    function_word: float
    hyphen: float
    dash: float
    next_lowercase: float
    next_list_item: float
    next_indented: float
    caps_boundary: float
    caps_both: float
    capitalized_block: float
    signature: float
    date_line: float
    blank_at_page_break: float


@dataclass(frozen=True)
class DehyphenationRules:
    """When a word broken at a line end keeps its hyphen."""

    keep_prefixes: frozenset[str]
    min_word_zipf: float
    joined_word_zipf: float
    prefix_join_zipf: float
    compound_margin: float
    name_compound_zipf: float
    document_confidence: float
    document_lookups: int
    lexicon_confidence: float
    default_confidence: float


@dataclass(frozen=True)
class ReflowRules:
    """``rules/reflow.toml``, validated once per rules table."""

    wrap: int
    readings: int
    min_lines: int
    page_min_lines: int
    weighted_quantile: float
    short_margin: float
    full_ratio: float
    indent: int
    weights: EvidenceWeights
    threshold: float
    suggest_below: float
    capitalized_share: float
    capitalized_min_lines: int
    sentence_end: str
    closers: str
    clause_end: str
    dashes: tuple[str, ...]
    dash_ends: frozenset[str]
    dash_chars: str
    hyphens: tuple[str, ...]
    list_item: regex.Pattern[str]
    signature: regex.Pattern[str]
    date_line: regex.Pattern[str]
    function_words: frozenset[str]
    dehyphenate: DehyphenationRules


@lru_cache(maxsize=16)
def load_reflow_rules(table: RuleTable) -> ReflowRules:
    """Read and check ``rules/reflow.toml`` (cached: settings hand out one table per rules set)."""
    width, weights, decision = table.table("width"), table.table("weights"), table.table("decision")
    marks, patterns, dehyphenate = table.table("marks"), table.table("patterns"), table.table("dehyphenate")
    return ReflowRules(
        wrap=table.integer("wrap", 0, low=0),
        readings=table.integer("readings", low=1),
        min_lines=width.integer("min_lines", low=1),
        page_min_lines=width.integer("page_min_lines", low=1),
        weighted_quantile=width.number("weighted_quantile", low=0, high=1),
        short_margin=width.number("short_margin", low=0, high=1),
        full_ratio=width.number("full_ratio", low=0, high=1),
        indent=width.integer("indent", low=1),
        weights=EvidenceWeights(
            **{field.name: weights.number(field.name) for field in fields(EvidenceWeights)}
        ),
        threshold=decision.number("threshold"),
        suggest_below=decision.number("suggest_below", low=0, high=1),
        capitalized_share=decision.number("capitalized_share", low=0, high=1),
        capitalized_min_lines=decision.integer("capitalized_min_lines", low=2),
        sentence_end=marks.text("sentence_end"),
        closers=marks.text("closers"),
        clause_end=marks.text("clause_end"),
        dashes=tuple(sorted(marks.strings("dashes"), key=len, reverse=True)),
        dash_ends=frozenset(dash[-1] for dash in marks.strings("dashes") if dash),
        dash_chars="".join(marks.strings("dashes")) + "".join(marks.strings("hyphens")),
        hyphens=marks.strings("hyphens"),
        list_item=_pattern(patterns, "list_item"),
        signature=_pattern(patterns, "signature"),
        date_line=_pattern(patterns, "date_line"),
        function_words=frozenset(word.lower() for word in table.table("words").strings("function_words")),
        dehyphenate=DehyphenationRules(
            keep_prefixes=frozenset(prefix.lower() for prefix in dehyphenate.strings("keep_prefixes")),
            min_word_zipf=dehyphenate.number("min_word_zipf", low=0),
            joined_word_zipf=dehyphenate.number("joined_word_zipf", low=0),
            prefix_join_zipf=dehyphenate.number("prefix_join_zipf", low=0),
            compound_margin=dehyphenate.number("compound_margin"),
            name_compound_zipf=dehyphenate.number("name_compound_zipf", low=0),
            document_confidence=dehyphenate.number("document_confidence", low=0, high=1),
            document_lookups=dehyphenate.integer("document_lookups", low=0),
            lexicon_confidence=dehyphenate.number("lexicon_confidence", low=0, high=1),
            default_confidence=dehyphenate.number("default_confidence", low=0, high=1),
        ),
    )


def _pattern(table: RuleTable, key: str) -> regex.Pattern[str]:
    try:
        return regex.compile(table.text(key))
    except regex.error as error:
        raise table._fail(key, f"is not a valid regular expression ({error})") from None


def typical_width(lengths: Counter[int], quantile: float) -> int:
    """The length at which ``quantile`` of the characters sit in lines at least that long (``lengths``
    counts the lines of each length).

    Weighting by characters keeps a page's width where its running text is: ten short address lines
    hardly move it, and a text already reflowed (one long line a paragraph) gets a width no kept line
    reaches.

    >>> typical_width(Counter([80, 78, 81, 79, 30, 12, 80]), 0.5)
    80
    """
    target = quantile * sum(length * count for length, count in lengths.items())
    total = 0
    for length in sorted(lengths, reverse=True):
        total += length * lengths[length]
        if total >= target:
            return length
    return min(lengths, default=0)


class _Line:
    """A content line: where it starts, its text without surrounding blanks, its indentation, and what
    lies between it and the content line before (blank lines, a page break).

    ``end`` is the offset just after its last visible character, ``body_start`` that of its first.
    """

    __slots__ = (
        "blank_before",
        "block",
        "body_start",
        "closes_block",
        "end",
        "indent",
        "length",
        "page",
        "page_break_before",
        "start",
        "text",
    )

    def __init__(
        self,
        start: int,
        text: str,
        indent: int,
        page: int,
        block: int,
        blank_before: bool,
        page_break_before: bool,
    ) -> None:
        self.start = start
        self.text = text
        self.indent = indent
        self.page = page
        self.block = block
        self.blank_before = blank_before
        self.page_break_before = page_break_before
        self.closes_block = True
        self.length = indent + len(text)
        self.body_start = start + indent
        self.end = start + self.length


class _Gap:
    """The break between two content lines: what lies between them and what was decided.

    Blank lines alone always end a paragraph; the other breaks are ``decided`` by the evidence.
    """

    __slots__ = ("after", "before", "blank", "decided", "ending", "join", "page_break", "score")

    def __init__(self, before: _Line, after: _Line) -> None:
        self.before = before
        self.after = after
        self.blank = after.blank_before
        self.page_break = after.page_break_before
        self.decided = self.page_break or not self.blank
        self.ending = ""
        self.score = 0.0
        self.join = False


def run(document: Document, settings: Settings) -> list[Edit]:
    """Join lines into paragraphs, de-hyphenate, remove page-break lines, collapse blank lines.

    The text is read again with the edits made, until a reading changes nothing (``readings`` at most):
    joined paragraphs and new blank lines change the widths and blocks of lines that the next reading
    measures, and the stage run on its own output must find nothing more to do.
    """
    rules = load_reflow_rules(settings.rules("reflow"))
    return settle(document.text, lambda text: reflow(text, rules), rules.readings)


def reflow(text: str, rules: ReflowRules, group_lines: int = GROUP_LINES) -> list[Edit]:
    """The stage's edits on ``text``, worked ``group_lines`` lines or more at a time (the edits are the
    same whatever the group size: a group ends only where blank lines end a paragraph).

    Two passes over the lines: the first keeps only each page's width and margin, the second builds the
    lines and breaks of one group, decides them and lets them go.
    """
    spellings = DocumentSpellings(text, rules.dehyphenate.document_lookups)
    edits = dehyphenate_inside_lines(text, spellings, rules.dehyphenate)
    if "\n" not in text:
        return edits
    limits, indents = _page_measures(text, rules)
    # Suggested joins are decided once every join is: the document's spellings are looked up in the
    # order a whole-text pass would look them up (the look-ups are counted).
    unsure: list[tuple[_Gap, Edit | None]] = []
    edge_breaks: list[tuple[int, int]] = []
    group: list[_Line] = []
    for line in _read_lines(text, edge_breaks):
        if group and line.blank_before and not line.page_break_before and len(group) >= group_lines:
            edits += _reflow_group(text, group, limits, indents, rules, spellings, unsure)
            edits += _blank_lines(text, _Gap(group[-1], line))
            group = []
        group.append(line)
    edits += _reflow_group(text, group, limits, indents, rules, spellings, unsure)
    for gap, kept in unsure:
        suggestion = _join(gap, _confidence(gap, rules), rules, spellings)
        edits.append(replace(suggestion, applied=False, note=_notes(suggestion.note, "unsure: break kept")))
        if kept is not None:
            edits.append(kept)
    edits += [
        Edit(start, end, "", "page-break", note="page break at the text's edge") for start, end in edge_breaks
    ]
    return edits


def _reflow_group(
    text: str,
    lines: list[_Line],
    limits: dict[int, tuple[float, float] | None],
    indents: dict[int, int],
    rules: ReflowRules,
    spellings: DocumentSpellings,
    unsure: list[tuple[_Gap, Edit | None]],
) -> list[Edit]:
    """The edits of a group of lines: joins, kept breaks, blank lines; a join only suggested goes to
    ``unsure`` with the break kept in its place, for the caller to finish."""
    gaps = [_Gap(before, after) for before, after in pairwise(lines)]
    capitalized_blocks = _capitalized_blocks(lines, rules)
    join_at = rules.threshold + _logit(rules.suggest_below)
    for gap in gaps:
        if gap.decided:
            gap.ending = _line_ending(gap.before.text, rules)
            gap.score = join_evidence(gap, limits[gap.before.page], capitalized_blocks, rules)
            gap.join = gap.score > rules.threshold and gap.score >= join_at
    run_lengths = _run_lengths(gaps)
    joins = {
        index: _join(gap, _confidence(gap, rules), rules, spellings)
        for index, gap in enumerate(gaps)
        if gap.join
    }
    edits = wrap_paragraphs(text, lines, gaps, joins, rules.wrap) if rules.wrap else []
    edits.extend(joins.values())
    for index, gap in enumerate(gaps):
        if not gap.decided:
            edits.extend(_blank_lines(text, gap))
        elif not gap.join:
            paragraph_start = gap.after.indent - indents[gap.after.page] >= rules.indent
            kept = _keep_break(gap, run_lengths[index], run_lengths[index + 1], paragraph_start, rules)
            if gap.score > rules.threshold:
                unsure.append((gap, kept))
            elif kept is not None:
                edits.append(kept)
    return edits


def _logit(probability: float) -> float:
    """The evidence at which the logistic reaches ``probability``."""
    if probability <= 0 or probability >= 1:
        return -math.inf if probability <= 0 else math.inf
    return math.log(probability / (1 - probability))


def _confidence(gap: _Gap, rules: ReflowRules) -> float:
    """How sure the join is: the logistic of the evidence."""
    return 1.0 / (1.0 + math.exp(rules.threshold - gap.score))


def _read_lines(text: str, edge_breaks: list[tuple[int, int]] | None = None) -> Iterator[_Line]:
    """The content lines in order; ``edge_breaks`` receives the spans of page-break lines before the first
    or after the last content line (nothing to join there: they are removed), once all are read.

    A line is closed (``closes_block`` settled) when the next one is read. The text is split into lines
    a piece at a time, so that its lines are never all held.
    """
    page = block = 0
    blank = page_break = False
    last: _Line | None = None
    for piece_start, piece_end in line_pieces(text):
        lines = text[piece_start:piece_end].split("\n")
        if piece_end < len(text):
            lines.pop()  # the piece ends with a line end: nothing follows it in this piece
        position = piece_start
        for line in lines:
            start = position
            position += len(line) + 1
            body = line.strip(" \t")
            if not body:
                blank = True
                continue
            if body == PAGE_BREAK:
                if last is not None:
                    page_break = True
                elif edge_breaks is not None:
                    edge_breaks.append((start, min(position, len(text))))
                page += 1
                continue
            indent = 0 if line[0] == body[0] else len(line) - len(line.lstrip(" \t"))
            if last is None:  # blank lines before the first line start nothing
                blank = False
            elif blank or page_break:
                block += 1
            else:  # the common case: the next line of a block
                last.closes_block = False
            last = _Line(start, body, indent, page, block, blank, page_break)
            blank = page_break = False
            yield last
    if page_break and edge_breaks is not None and last is not None:
        edge_breaks.append((last.end, text.rfind(PAGE_BREAK, last.end) + 1))


def _by_page(lines: Iterator[_Line]) -> groupby[int, _Line]:
    """The lines page by page (pages follow each other in the text)."""
    return groupby(lines, key=attrgetter("page"))


def _page_measures(
    text: str, rules: ReflowRules
) -> tuple[dict[int, tuple[float, float] | None], dict[int, int]]:
    """Each page's limits ``(short, full)`` and its left margin, in a pass over the lines that keeps only
    these numbers.

    The limits come from the page's typical width: a line is short when it and the next line's first
    word fit in ``short``, full from ``full``. A short page borrows the document's width; a short
    document has none (``None``: every line counts as short). The margin is the least indentation of the
    page's lines (a line further in starts something).
    """
    widths: dict[int, int | None] = {}
    indents: dict[int, int] = {}
    everything: Counter[int] = Counter()
    for page, lines in _by_page(_read_lines(text)):
        # Widths leave indentation out: a paragraph break that removes an indent must not move them.
        lengths: Counter[int] = Counter()
        indent = math.inf
        for line in lines:
            lengths[len(line.text)] += 1
            indent = min(indent, line.indent)
        everything.update(lengths)
        indents[page] = int(indent)
        enough = lengths.total() >= rules.page_min_lines
        widths[page] = typical_width(lengths, rules.weighted_quantile) if enough else None
    document_width = (
        typical_width(everything, rules.weighted_quantile) if everything.total() >= rules.min_lines else None
    )
    limits = {}
    for page, page_width in widths.items():
        width = document_width if page_width is None else page_width
        limits[page] = None if width is None else (width * (1 - rules.short_margin), width * rules.full_ratio)
    return limits, indents


def _capitalized_blocks(lines: list[_Line], rules: ReflowRules) -> frozenset[int]:
    """Blocks of lines that nearly all begin with a capital, a digit or a mark: verse, lists, addresses."""
    sizes = Counter(line.block for line in lines)
    capitalized = Counter(line.block for line in lines if not line.text[0].islower())
    return frozenset(
        block
        for block, size in sizes.items()
        if size >= rules.capitalized_min_lines and capitalized[block] >= rules.capitalized_share * size
    )


def join_evidence(
    gap: _Gap, limits: tuple[float, float] | None, capitalized_blocks: frozenset[int], rules: ReflowRules
) -> float:
    """Sum the evidence that the break after ``gap.before`` was made by the typesetter, not the author."""
    weights = rules.weights
    before, after = gap.before, gap.after
    a, b = before.text, after.text
    ending = gap.ending
    score = weights.prior
    length = before.indent + len(a)
    space = b.find(" ")
    first_word = len(b) if space < 0 else space
    if limits is None or length + 1 + first_word <= limits[0]:
        score += weights.short_line
    elif length >= limits[1]:
        score += weights.full_line
    if ending == "word":
        if a[a.rfind(" ") + 1 :].lower() in rules.function_words:
            score += weights.function_word
    elif ending == "clause":
        score += weights.comma
    elif ending == "sentence":
        score += weights.sentence_end
        if after.closes_block and len(b) < 40 and rules.signature.match(b):
            score += weights.signature
    elif ending == "hyphen":
        if b[0].isalpha():
            score += weights.hyphen
    elif ending == "dash":
        score += weights.dash
    first = b[0]
    if first.islower() or (first in _OPENERS and b.lstrip(_OPENERS)[:1].islower()):
        score += weights.next_lowercase
    if (not first.isalpha() or b[1:2] in ".)" or first in "ivx") and rules.list_item.match(b):
        score += weights.next_list_item
    if after.indent - before.indent >= rules.indent:
        score += weights.next_indented
    if ending != "hyphen":  # a word broken in a heading is still one word
        a_caps, b_caps = len(a) > 3 and a.isupper(), len(b) > 3 and b.isupper()
        if a_caps != b_caps:
            score += weights.caps_boundary
        elif a_caps:
            score += weights.caps_both
    if before.block in capitalized_blocks and not gap.page_break and ending != "hyphen":
        score += weights.capitalized_block
    if len(b) < 24 and not first.islower() and rules.date_line.match(b):
        score += weights.date_line
    if gap.page_break and gap.blank:
        score += weights.blank_at_page_break
    return score


def _line_ending(text: str, rules: ReflowRules) -> str:
    """How a line ends: ``hyphen``, ``dash``, ``sentence``, ``clause``, ``word`` or ``other``.

    >>> rules = load_reflow_rules(Settings().rules("reflow"))
    >>> [_line_ending(line, rules) for line in ("degra-", "but —", "missed.", "said.”", "Molotov,", "the")]
    ['hyphen', 'dash', 'sentence', 'sentence', 'clause', 'word']
    """
    last = text[-1]
    if last.isalpha():
        return "word"
    if last == SOFT_HYPHEN:
        return "hyphen" if text[-2:-1].isalpha() else "other"
    if last in rules.dash_ends and any(text.endswith(dash) for dash in rules.dashes):
        return "dash"
    if last in rules.hyphens:
        return "hyphen" if len(text) > 1 and not text[-2].isspace() else "dash"
    bare = text.rstrip(rules.closers)
    if bare and bare[-1] in rules.sentence_end:
        return "sentence"
    if last in rules.clause_end:
        return "clause"
    return "other"


def _join(gap: _Gap, confidence: float, rules: ReflowRules, spellings: DocumentSpellings) -> Edit:
    """The edit that joins the two lines of ``gap``: a space, or nothing after a hyphen or dash."""
    before, after = gap.before, gap.after
    rule = "join-page-break" if gap.page_break else "join-line"
    if gap.ending not in ("hyphen", "dash"):
        return Edit(before.end, after.body_start, " ", rule, confidence)
    a, b = before.text, after.text
    where = "across a page break" if gap.page_break else ""
    if gap.ending == "hyphen" and a[-1] == SOFT_HYPHEN:
        note = _notes(where, "soft hyphen")
        return Edit(before.end - 1, after.body_start, "", "dehyphenate", confidence, note=note)
    if gap.ending == "hyphen" and b[0].isalpha():
        keep, certainty, reason = spellings.decide(
            _trailing_letters(a[:-1]), _leading_letters(b), rules.dehyphenate
        )
        rule = "keep-compound-hyphen" if keep else "dehyphenate"
        note = _notes(where, reason)
        return Edit(
            before.end - 1,
            after.body_start,
            a[-1] if keep else "",
            rule,
            min(confidence, certainty),
            note=note,
        )
    spaced = a.rstrip(rules.dash_chars)[-1:].isspace()
    note = _notes(where, "dash at the line end")
    return Edit(before.end, after.body_start, " " if spaced else "", rule, confidence, note=note)


def dehyphenate_inside_lines(
    text: str, spellings: DocumentSpellings, rules: DehyphenationRules
) -> list[Edit]:
    """Join a word broken at a line end whose lines were joined before us (``exam- ple``, from text that
    lost its line ends on the way), where the line-end decision would join it.

    A hyphen that the decision would keep is left with its space: a suspended hyphen (``pre- and
    post-war``) or a dash reads as the author wrote it.

    >>> rules = load_reflow_rules(Settings().rules("reflow")).dehyphenate
    >>> text = "an exam- ple of pre- and post-war print"
    >>> edits = dehyphenate_inside_lines(text, DocumentSpellings(text, 4), rules)
    >>> [(text[edit.start : edit.end], edit.replacement, edit.note) for edit in edits]
    [('- ', '', 'example is a word')]
    """
    if "- " not in text and "-\t" not in text:
        return []  # the cheap check: most text has no hyphen before a space
    edits = []
    for match in _BROKEN_INSIDE_LINE.finditer(text):
        left, right = match.group(1), match.group(3)
        keep, certainty, reason = spellings.decide(left, right, rules)
        if not keep:
            edits.append(
                Edit(match.end(1), match.start(3), "", "dehyphenate-inside-line", certainty, note=reason)
            )
    return edits


def _trailing_letters(text: str) -> str:
    """The letters that end ``text`` (the first half of a word broken at a hyphen)."""
    start = len(text)
    while start and text[start - 1].isalpha():
        start -= 1
    return text[start:]


def _leading_letters(text: str) -> str:
    end = 0
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[:end]


class DocumentSpellings:
    """How the document itself writes a word: the strongest evidence for a word broken at a line end.

    Hyphenated forms are counted in one pass over the hyphens; a joined form is looked up on demand, at
    most ``lookups`` times a document, because each look-up reads the whole text. The text is lowered a
    slice at a time (``str.lower`` takes 12 bytes a character while it works) and kept in those slices:
    no word runs over a line end.

    >>> spellings = DocumentSpellings("names of co-conspirators, and co-\\nconspirators", 4)
    >>> spellings.hyphenated("co-conspirators"), spellings.joined("coconspirators", 1)
    (1, 0)
    """

    def __init__(self, text: str, lookups: int) -> None:
        self._text = text
        self._lower: list[str] | None = None
        self._compounds: Counter[str] | None = None
        self._lookups = lookups
        # Decisions made so far, by the two halves: a word broken the same way is decided once.
        self._decisions: dict[tuple[str, str], tuple[bool, float, str]] = {}

    def decide(self, left: str, right: str, rules: DehyphenationRules) -> tuple[bool, float, str]:
        """``dehyphenate_line_end`` for the two halves, made once a document."""
        decision = self._decisions.get((left, right))
        if decision is None:
            decision = self._decisions[left, right] = dehyphenate_line_end(left, right, self, rules)
        return decision

    @property
    def lower(self) -> list[str]:
        """The text in lower case, in slices cut at line ends."""
        if self._lower is None:
            self._lower = [self._text[start:end].lower() for start, end in line_pieces(self._text)]
        return self._lower

    def hyphenated(self, form: str) -> int:
        """How often the document writes ``form`` (lower case, with its hyphen) within a line."""
        if self._compounds is None:
            self._compounds = Counter(
                "-".join(halves) for piece in self.lower for halves in _HYPHENATED.findall(piece)
            )
        return self._compounds[form]

    def joined(self, form: str, enough: int) -> int:
        """How often the document writes ``form`` (lower case) as a word of its own, counted up to
        ``enough``: the callers only ask whether it writes it that often, and the text is read no further
        than the answer needs."""
        if self._lookups <= 0:
            return 0
        self._lookups -= 1
        count = 0
        for text in self.lower:
            start = text.find(form)
            while start != -1 and count < enough:
                end = start + len(form)
                if not text[start - 1 : start].isalpha() and not text[end : end + 1].isalpha():
                    count += 1
                start = text.find(form, end)
            if count >= enough:
                break
        return count


def _notes(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def dehyphenate_line_end(
    left: str, right: str, spellings: DocumentSpellings, rules: DehyphenationRules
) -> tuple[bool, float, str]:
    """Decide whether ``left-`` + ``right`` keeps its hyphen: ``(keep, confidence, reason)``.

    The document's own spelling decides first, then the prefix list, then word frequencies.

    >>> rules = load_reflow_rules(Settings().rules("reflow")).dehyphenate
    >>> nothing = DocumentSpellings("", 0)
    >>> dehyphenate_line_end("degra", "dation", nothing, rules)[0]
    False
    >>> dehyphenate_line_end("co", "conspirators", nothing, rules)[0]
    True
    >>> dehyphenate_line_end("low", "lying", nothing, rules)[0]
    True
    """
    if not left or not right:
        return True, rules.lexicon_confidence, "not a word broken in two"
    if right[0].isupper() and not (left.isupper() and right.isupper()):
        return True, rules.lexicon_confidence, "the second half begins with a capital"
    joined = (left + right).lower()
    hyphenated = f"{left}-{right}".lower()
    if spellings.hyphenated(hyphenated):
        written = spellings.hyphenated(hyphenated)
        keep = written >= spellings.joined(joined, written + 1)
        return keep, rules.document_confidence, f"the document writes {hyphenated if keep else joined}"
    keep, confidence, reason = _lexicon_decision(left, right, joined, rules)
    if keep and spellings.joined(joined, 1):
        return False, rules.document_confidence, f"the document writes {joined}"
    return keep, confidence, reason


def _lexicon_decision(
    left: str, right: str, joined: str, rules: DehyphenationRules
) -> tuple[bool, float, str]:
    """Keep or join by word frequencies and the prefix list alone."""
    joined_zipf, left_zipf, right_zipf = zipf(joined), zipf(left.lower()), zipf(right.lower())
    if left.lower() in rules.keep_prefixes and right_zipf >= rules.min_word_zipf:
        if joined_zipf < rules.prefix_join_zipf:
            return True, rules.lexicon_confidence, f"prefix {left.lower()}- before a word"
        return False, rules.lexicon_confidence, f"{joined} is a word"
    if joined_zipf >= max(rules.joined_word_zipf, min(left_zipf, right_zipf) - rules.compound_margin):
        return False, rules.lexicon_confidence, f"{joined} is a word"
    if min(left_zipf, right_zipf) >= rules.min_word_zipf:
        return True, rules.lexicon_confidence, f"{left} and {right} are words, {joined} is not"
    if left[0].isupper() and right_zipf >= rules.name_compound_zipf:
        return True, rules.default_confidence, f"a name before the word {right}"
    return False, rules.default_confidence, "a word broken by the typesetter"


def _run_lengths(gaps: list[_Gap]) -> list[int]:
    """For each content line, how many lines its paragraph has once the joins are made.

    A break next to a paragraph of two or more lines is a paragraph's end and becomes a blank line; a
    break between two single lines is structure (address, signature, verse) and stays a newline.
    """
    lengths: list[int] = []
    for before, last in pairwise([-1, *(index for index, gap in enumerate(gaps) if not gap.join), len(gaps)]):
        lengths.extend([last - before] * (last - before))
    return lengths


def _keep_break(
    gap: _Gap, before_run: int, after_run: int, paragraph_start: bool, rules: ReflowRules
) -> Edit | None:
    """A break that stays: a page break or a paragraph's end becomes one blank line; a structure line
    (address, signature, heading, verse) keeps its single newline (no edit)."""
    before, after = gap.before, gap.after
    if gap.page_break:
        return Edit(before.end, after.body_start, "\n\n", "page-break", _keep_confidence(gap, rules))
    if before_run > 1 or after_run > 1 or paragraph_start:
        return Edit(before.end, after.body_start, "\n\n", "paragraph-break", _keep_confidence(gap, rules))
    return None


def _keep_confidence(gap: _Gap, rules: ReflowRules) -> float:
    """How sure a kept break is; at least 0.5, since keeping a break is the safe choice when unsure."""
    return max(0.5, 1 - _confidence(gap, rules))


def _blank_lines(text: str, gap: _Gap) -> list[Edit]:
    """Blank lines between paragraphs become exactly one."""
    start, end = gap.before.end, gap.after.start
    if text[start:end] == "\n\n":
        return []
    return [Edit(start, end, "\n\n", "blank-lines")]


def wrap_paragraphs(
    text: str, lines: list[_Line], gaps: list[_Gap], joins: dict[int, Edit], width: int
) -> list[Edit]:
    """Re-wrap each paragraph at ``width`` columns for reading (``reflow.wrap``).

    A paragraph is a run of joined lines, or a line alone between blank lines; lines of structure
    (addresses, signatures, verse) are left as they are. A join that falls on a wrap point becomes a
    newline (``joins`` is updated); a space inside a line that does becomes a ``wrap`` edit.
    """
    edits: list[Edit] = []
    first = 0
    for index in range(len(lines)):
        if index < len(gaps) and index in joins:
            continue
        alone = (first == 0 or not gaps[first - 1].decided) and (
            index == len(gaps) or not gaps[index].decided
        )
        if index > first or alone:
            edits.extend(
                _wrap_run(text, lines[first].body_start, lines[index].end, range(first, index), joins, width)
            )
        first = index + 1
    return edits


def _wrap_run(
    text: str, start: int, end: int, gap_indices: range, joins: dict[int, Edit], width: int
) -> list[Edit]:
    """Greedy wrap of one paragraph: ``origins`` tells, for each character, its offset in the text or
    the join it comes from."""
    chars: list[str] = []
    origins: list[int] = []  # offset in the text, or -1 - gap index for a join's replacement
    cursor = start
    for index in gap_indices:
        join = joins[index]
        chars.extend(text[cursor : join.start])
        origins.extend(range(cursor, join.start))
        chars.extend(join.replacement)
        origins.extend([-1 - index] * len(join.replacement))
        cursor = join.end
    chars.extend(text[cursor:end])
    origins.extend(range(cursor, end))
    edits: list[Edit] = []
    line_length = 0
    word_start = 0
    paragraph = "".join(chars)
    for position in [*(i for i, char in enumerate(paragraph) if char == " "), len(paragraph)]:
        word = position - word_start
        if line_length and line_length + 1 + word > width:
            origin = origins[word_start - 1]
            if origin >= 0:
                edits.append(Edit(origin, origin + 1, "\n", "wrap"))
            else:
                join = joins[-1 - origin]
                joins[-1 - origin] = replace(join, replacement=join.replacement.replace(" ", "\n"))
            line_length = word
        else:
            line_length += word + (1 if line_length else 0)
        word_start = position + 1
    return edits
