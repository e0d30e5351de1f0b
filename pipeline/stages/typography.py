"""Stage `typography`: quotes paired and set in the user's style, apostrophes, dashes and spaces.

It runs last, on whole paragraphs (one a line after ``reflow``, or several lines with ``--skip reflow``: a
paragraph ends at a blank line). Quote marks are judged by what stands either side of them, never by the
glyph OCR chose, and changed only where the marks of a paragraph pair up; a mark that finds no partner is
logged as a suggestion. Line breaks and the indentation at line starts carry structure and are never
touched; lines that look like code or data are left alone entirely. Every table (quote characters,
elisions, code patterns, garble patterns) lives in ``rules/typography.toml``.

Speed: every scan over the whole text looks for a literal string (``str.find`` speed); context is checked
only where one is found, so clean text costs a few fast scans.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import regex

from pipeline.core.document import Document
from pipeline.core.edits import Edit, Span, drop_overlapping, overlaps_any, span_bounds
from pipeline.core.errors import RulesError
from pipeline.core.lexicon import zipf
from pipeline.core.rules import RuleTable, load_rules
from pipeline.core.settings import Settings

OPEN, CLOSE, EITHER = "open", "close", "either"

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_SPACE = re.compile(r"\s*")
# A hyphen that may be a dash: spaced (` - `, ` -- `) or doubled (`--`); literal-first, so the scan is fast.
_DASH_CANDIDATE = re.compile(r"-(?:(?<= -)-?(?= )|-)")
_QUOTE_ROLES = ("open_double", "close_double", "open_single", "close_single", "apostrophe")
_DASH_SPACINGS = ("keep", "closed", "spaced")
# A mark right after a digit is looked at as a prime (5' 11") within this many characters either side.
_PRIME_REACH = 12


@dataclass(frozen=True)
class Style:
    """The characters a style writes for each role a quote mark can play."""

    open_double: str
    close_double: str
    open_single: str
    close_single: str
    apostrophe: str


@dataclass(frozen=True)
class TypographyRules:
    """``rules/typography.toml`` read, validated and compiled once per rules folder and overrides."""

    style: Style
    double: str
    single: str
    misread_close: str
    foreign_double: str
    single_reach: int
    before_opening: frozenset[str]
    after_closing: frozenset[str]
    elision: regex.Pattern[str]
    stray_after_zipf: float
    stray_before_zipf: float
    end_elisions: frozenset[str]
    primes: regex.Pattern[str]
    em_dash: bool
    em_dash_spacing: str
    dash_word_end: frozenset[str]
    dash_word_start: frozenset[str]
    en_dash_ranges: bool
    column_gap: int
    trailing: bool
    no_space_before: str
    keep_nbsp: bool
    nbsp: str
    code_lines: tuple[regex.Pattern[str], ...]
    garbles: tuple[tuple[str, regex.Pattern[str], str, str], ...]


def run(document: Document, settings: Settings) -> list[Edit]:
    """Propose this stage's edits for the whole text; lines that look like code are left out."""
    rules = compile_rules(settings.rules_dir, settings.overrides)
    text = document.text
    code = code_line_spans(text, rules)
    # Quote edits touch quote marks only (those on code lines are left out already); a dash takes the
    # spaces around it, so spaces there are its own.
    # A dash comes before the spaces around it, so they are fixed once, and a second run finds nothing.
    others = drop_overlapping(dash_edits(text, rules), space_edits(text, rules))
    others.extend(garble_suggestions(text, rules))
    if code:
        bounds = span_bounds(code)
        others = [edit for edit in others if not overlaps_any(bounds, edit.start, edit.end)]
    return quote_edits(text, rules, code) + others


@lru_cache(maxsize=16)
def compile_rules(rules_dir: Path | None, overrides: tuple[str, ...]) -> TypographyRules:
    """Read and compile the rules; a bad value or pattern is a ``RulesError`` naming the key."""
    table = load_rules("typography", rules_dir, overrides)
    styles = table.table("styles")
    chosen = styles.table(table.text("style", choices=tuple(styles)))
    quotes = table.table("quotes")
    single = quotes.text("single")
    # An elision pattern writes ' for the apostrophe; any single mark the scan has stands for it.
    elisions = [pattern.replace("'", f"[{regex.escape(single)}]") for pattern in quotes.strings("elisions")]
    dashes = table.table("dashes")
    spaces = table.table("spaces")
    return TypographyRules(
        style=Style(*(_one_character(chosen, role) for role in _QUOTE_ROLES)),
        double=quotes.text("double"),
        single=single,
        misread_close=quotes.text("misread_close_double"),
        foreign_double=quotes.text("foreign_double"),
        single_reach=quotes.integer("single_reach", low=1),
        before_opening=frozenset(quotes.text("before_opening")),
        after_closing=frozenset(quotes.text("after_closing")),
        elision=_compile(table, "quotes.elisions", _any_of(elisions) or "(?!)", regex.IGNORECASE),
        stray_after_zipf=quotes.number("stray_after_word_zipf", low=0),
        stray_before_zipf=quotes.number("stray_before_word_zipf", low=0),
        end_elisions=frozenset(word.lower() for word in quotes.strings("end_elisions")),
        primes=_compile(table, "quotes.primes", _any_of(quotes.strings("primes")) or "(?!)"),
        em_dash=dashes.flag("em_dash"),
        em_dash_spacing=dashes.text("em_dash_spacing", choices=_DASH_SPACINGS),
        dash_word_end=frozenset(dashes.text("word_end")),
        dash_word_start=frozenset(dashes.text("word_start")),
        en_dash_ranges=dashes.text("number_ranges", choices=("keep", "en-dash")) == "en-dash",
        column_gap=spaces.integer("column_gap", low=2),
        trailing=spaces.flag("trailing"),
        no_space_before="".join(spaces.strings("no_space_before")),
        keep_nbsp=spaces.flag("keep_nbsp"),
        nbsp=spaces.text("nbsp"),
        code_lines=tuple(
            _compile(table, f"code.patterns[{index}]", pattern)
            for index, pattern in enumerate(table.table("code").strings("patterns"))
        ),
        garbles=tuple(
            (
                garble.text("name"),
                _compile(table, f"garble[{index}].pattern", garble.text("pattern")),
                garble.text("replacement"),
                garble.text("note", ""),
            )
            for index, garble in enumerate(table.tables("garble", []))
        ),
    )


def _one_character(style: RuleTable, role: str) -> str:
    value = style.text(role)
    if len(value) != 1:
        raise RulesError(
            f"rules/{style.where}.toml: '{style.prefix}{role}' must be one character, not {value!r}"
        )
    return value


def _any_of(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns)


def _compile(table: RuleTable, key: str, pattern: str, flags: int = 0) -> regex.Pattern[str]:
    try:
        return regex.compile(pattern, flags | regex.MULTILINE | regex.VERSION0)
    except regex.error as error:
        raise RulesError(f"rules/{table.where}.toml: '{key}' is not a valid pattern ({error})") from None


# ---------------------------------------------------------------- scanning


def offsets(text: str, literal: str) -> list[int]:
    """Where ``literal`` occurs in ``text``: one fast substring scan.

    >>> offsets("a--b--c", "--")
    [1, 4]
    """
    return [match.start() for match in re.finditer(re.escape(literal), text)]


def runs_of(text: str, chars: str) -> list[Span]:
    """Maximal runs of adjacent ``chars``, in text order, found one character at a time (a substring
    scan is many times faster than one for a class of non-ASCII characters).

    >>> runs_of('say "no"” now', '"”')
    [(4, 5), (7, 9)]
    """
    positions = sorted(position for char in set(chars) for position in offsets(text, char))
    # A run starts where the character before is not one of them, and ends where the one after is not.
    starts = [position for before, position in pairwise([-2, *positions]) if position != before + 1]
    ends = [position + 1 for position, after in pairwise([*positions, -2]) if after != position + 1]
    return list(zip(starts, ends, strict=True))


def _char(text: str, position: int) -> str:
    """The character at ``position``, a line break beyond either end (a mark there faces outward)."""
    return text[position] if 0 <= position < len(text) else "\n"


# ---------------------------------------------------------------- quotes


@dataclass(frozen=True, slots=True)
class QuoteMark:
    """One quote mark (or a doubled one) found in the text, with the role its context gives it."""

    start: int
    end: int
    context: str  # OPEN, CLOSE or EITHER, from what stands either side
    misread: bool = False  # a trademark sign standing where a closing quote should be


def facing(text: str, start: int, end: int, rules: TypographyRules) -> str:
    """Which way a mark at ``text[start:end]`` faces, from its neighbours alone.

    A mark after a space (or bracket, dash, line start) and before a word opens; a mark after a word and
    before a space (or punctuation, line end) closes; anything else could be either.

    >>> rules = compile_rules(None, ())
    >>> facing('say "no" now', 4, 5, rules), facing('say "no" now', 7, 8, rules), facing('a"b', 1, 2, rules)
    ('open', 'close', 'either')
    """
    before, after = _char(text, start - 1), _char(text, end)
    opens = before.isspace() or before in rules.before_opening
    closes = after.isspace() or after in rules.after_closing
    if opens and not closes:
        return OPEN
    if closes and not opens:
        return CLOSE
    return EITHER


def is_prime(text: str, start: int, rules: TypographyRules) -> bool:
    """Whether the mark at ``start``, right after a digit, is a prime (feet and inches: ``5' 11"``)."""
    if not _char(text, start - 1).isdigit():
        return False
    window = rules.primes.finditer(text, max(0, start - _PRIME_REACH), start + _PRIME_REACH)
    return any(match.start() <= start < match.end() for match in window)


def quote_edits(text: str, rules: TypographyRules, code: list[Span] | None = None) -> list[Edit]:
    """Double quotes paired per paragraph, then single quotes and apostrophes (no edit changing nothing).

    Marks on ``code`` lines take no part: they neither change nor pair with a mark outside.
    """
    breaks = [match.start() for match in _PARAGRAPH_BREAK.finditer(text)]
    edits: list[Edit] = []
    doubles = double_marks(text, rules)
    bounds = span_bounds(code or ())
    if bounds:
        doubles = [mark for mark in doubles if not overlaps_any(bounds, mark.start, mark.end)]
    for low, high, start, end in paragraph_slices([mark.start for mark in doubles], breaks, len(text)):
        if any(text.find(char, start, end) != -1 for char in rules.foreign_double):
            continue
        paragraph = pair_double_quotes(text, doubles[low:high], rules)
        if runs_on(text, paragraph, doubles, high, end):
            paragraph[-1] = replace(
                paragraph[-1], applied=True, note="the quotation runs on into the next paragraph"
            )
        edits.extend(paragraph)
    singles = [
        span
        for span in runs_of(text, rules.single)
        if not (span[0] and text[span[0] - 1].isdigit() and is_prime(text, span[0], rules))
        and not (bounds and overlaps_any(bounds, *span))
    ]
    for low, high, _, _ in paragraph_slices([span[0] for span in singles], breaks, len(text)):
        edits.extend(pair_single_quotes(text, singles[low:high], rules))
    return [edit for edit in edits if text[edit.start : edit.end] != edit.replacement]


def runs_on(text: str, paragraph: list[Edit], doubles: list[QuoteMark], high: int, end: int) -> bool:
    """Whether a paragraph's last mark, an opener left unpaired, opens a quotation that runs on.

    By the convention for long quotations, each paragraph of one opens with a quote mark and only the last
    closes: so an unpaired opener is one when the next paragraph begins with an opening quote.
    """
    if not paragraph or paragraph[-1].applied or paragraph[-1].start != doubles[high - 1].start:
        return False
    if doubles[high - 1].context != OPEN or high == len(doubles):
        return False
    following = doubles[high]
    return following.context == OPEN and following.start == _SPACE.match(text, end).end()


def paragraph_slices(
    starts: list[int], breaks: list[int], length: int
) -> Iterator[tuple[int, int, int, int]]:
    """Group sorted offsets by paragraph: ``(low, high, start, end)``, offsets ``[low:high]`` lie in
    ``text[start:end]``; a paragraph ends where a blank line begins.

    >>> list(paragraph_slices([1, 2, 9], [5], 12))
    [(0, 2, 0, 5), (2, 3, 5, 12)]
    """
    low = 0
    while low < len(starts):
        index = bisect_right(breaks, starts[low])
        start = breaks[index - 1] if index else 0
        end = breaks[index] if index < len(breaks) else length
        high = bisect_left(starts, end, low)
        yield low, high, start, end
        low = high


def double_marks(text: str, rules: TypographyRules) -> list[QuoteMark]:
    """Every double mark with the way it faces, and each trademark sign that stands where one closes.

    A doubled mark (``"”``) counts as one; standing alone (``""``) it is no quotation and is skipped.
    """
    marks = []
    for start, end in runs_of(text, rules.double):
        context = facing(text, start, end, rules)
        if (end - start == 1 or context != EITHER) and not (
            start and text[start - 1].isdigit() and is_prime(text, start, rules)
        ):
            marks.append(QuoteMark(start, end, context))
    for char in rules.misread_close:
        for start in offsets(text, char):
            before, after = _char(text, start - 1), _char(text, start + 1)
            if (before.isalnum() or before in ".,!?") and (after.isspace() or after in rules.after_closing):
                marks.append(QuoteMark(start, start + 1, CLOSE, misread=True))
    marks.sort(key=lambda mark: mark.start)
    return marks


def pair_double_quotes(text: str, marks: list[QuoteMark], rules: TypographyRules) -> list[Edit]:
    """Pair one paragraph's double quotes in reading order and set each pair in the style.

    An opener with no closer before the next opener, or a closer with nothing open, is unpaired: it is
    changed only where the style writes the same character either way, else suggested; so is a pair of
    marks that both stand between words. A trademark sign after a word closes a quotation that is open, and
    is left alone where none is.
    """
    edits: list[Edit] = []
    opener: QuoteMark | None = None
    for mark in marks:
        if mark.misread:
            if opener is not None:
                edits += [_set_double(opener, OPEN, rules), _set_double(mark, CLOSE, rules)]
                opener = None
        elif opener is None:
            if mark.context == CLOSE:
                edits.append(_unpaired_double(text, mark, rules))
            else:
                opener = mark
        elif mark.context == OPEN:
            edits.append(_unpaired_double(text, opener, rules))
            opener = mark
        else:
            # Two marks glued between words (a"b c"d) pair only on paper: a reviewer decides.
            sure = opener.context == OPEN or mark.context == CLOSE or _styled_alike(mark, rules)
            note = "" if sure else "neither mark faces a way of its own"
            edits += [
                _set_double(opener, OPEN, rules, sure, note),
                _set_double(mark, CLOSE, rules, sure, note),
            ]
            opener = None
    if opener is not None:
        edits.append(_unpaired_double(text, opener, rules))
    return edits


def _set_double(
    mark: QuoteMark, role: str, rules: TypographyRules, applied: bool = True, note: str = ""
) -> Edit:
    """The edit that sets a double mark in its role (same text: the core drops it)."""
    char = rules.style.open_double if role == OPEN else rules.style.close_double
    if mark.misread:
        rule = "trademark-as-quote"
    elif mark.end - mark.start > 1:
        rule = "doubled-quote"
    else:
        rule = "open-quote" if role == OPEN else "close-quote"
    return Edit(mark.start, mark.end, char, rule, applied=applied, note=note)


def _styled_alike(mark: QuoteMark, rules: TypographyRules) -> bool:
    """Whether the style writes a single mark the same opening or closing (straight quotes)."""
    return rules.style.open_double == rules.style.close_double and mark.end - mark.start == 1


def _unpaired_double(text: str, mark: QuoteMark, rules: TypographyRules) -> Edit:
    """An unpaired mark: set where the style writes one character either way, else suggested."""
    role = mark.context
    if role == EITHER:
        role = CLOSE if _char(text, mark.start - 1).isalnum() else OPEN
    applied = _styled_alike(mark, rules)
    return _set_double(
        mark, role, rules, applied, "" if applied else "no partner for this quote in the paragraph"
    )


def pair_single_quotes(text: str, marks: list[Span], rules: TypographyRules) -> list[Edit]:
    """One paragraph's single marks: apostrophes inside and before words, single quotes paired.

    A mark between letters is an apostrophe (``don't``), so is one before a known elision (``'90s``,
    ``'n'``); a doubled one between letters (``scum'’s``) becomes one. A mark before a word opens a single
    quotation only if a mark after a word closes it later in the paragraph, within ``single_reach``
    characters; a mark after a word is a closing quote or an apostrophe (``workers'``), which most styles
    write alike. A mark that can be neither, where it stands between common words, is a speck OCR read as
    a quote and is removed (see ``stray_after_word`` and ``stray_before_word``).

    >>> rules = compile_rules(None, ())
    >>> text = "don't 'say' it"
    >>> [(edit.replacement, edit.rule) for edit in pair_single_quotes(text, runs_of(text, "'"), rules)]
    [('’', 'apostrophe'), ('‘', 'open-single-quote'), ('’', 'close-single-quote')]
    """
    style = rules.style
    edits = []
    opener: Span | None = None
    length = len(text)
    for start, end in marks:
        before = text[start - 1] if start else "\n"
        after = text[end] if end < length else "\n"
        if before.isalnum() and after.isalnum():
            # The common case, by far: an apostrophe inside a word.
            if end - start > 1:
                edits.append(Edit(start, end, style.apostrophe, "doubled-apostrophe"))
            elif text[start] != style.apostrophe:
                edits.append(Edit(start, end, style.apostrophe, "apostrophe"))
        elif end - start > 1:
            continue
        elif after.isalnum():
            if rules.elision.match(text, start):
                edits.append(Edit(start, end, style.apostrophe, "apostrophe"))
            else:
                if opener is not None:
                    edits.append(_unpaired_single(text, opener, rules))
                opener = (start, end)
        elif not (before.isspace() or before.isdigit() or before in rules.before_opening):
            if opener is not None and start - opener[0] > rules.single_reach:
                edits.append(_unpaired_single(text, opener, rules))
                opener = None
            if opener is not None:
                edits.append(Edit(*opener, style.open_single, "open-single-quote"))
                edits.append(Edit(start, end, style.close_single, "close-single-quote"))
                opener = None
            elif stray_after_word(text, start, end, rules):
                edits.append(Edit(start, end, "", "stray-quote", note=_STRAY_AFTER))
            else:
                edits.append(Edit(start, end, style.apostrophe, "apostrophe"))
    if opener is not None:
        edits.append(_unpaired_single(text, opener, rules))
    return edits


_STRAY_AFTER = "no quotation is open and the word is no plural or elision: a speck read as a quote"
_STRAY_BEFORE = "no mark closes it and a common word follows mid-sentence: a speck read as a quote"


def _unpaired_single(text: str, mark: Span, rules: TypographyRules) -> Edit:
    """An opening mark that nothing closes: a speck where it is one, else set only where the style writes
    an apostrophe alike (it may be an elision), and suggested otherwise."""
    if stray_before_word(text, *mark, rules):
        return Edit(*mark, "", "stray-quote", note=_STRAY_BEFORE)
    style = rules.style
    applied = style.open_single == style.apostrophe
    note = "" if applied else "no closing single quote in the paragraph; an apostrophe (elision)?"
    return Edit(*mark, style.open_single, "open-single-quote", applied=applied, note=note)


def stray_after_word(text: str, start: int, end: int, rules: TypographyRules) -> bool:
    """Whether a mark after a word, with no quotation open, is a speck: it follows a common word in small
    letters and comes before another word (``their' intention``). A plural's possessive (``workers'
    rights``), an elision (``tho' he``, ``o' the``), a word too rare to judge, or a capital after it keep
    the mark.

    >>> rules = compile_rules(None, ())
    >>> texts = ("their' intention", "the workers' rights", "tho' he", "their' Intention", "company' s")
    >>> [stray_after_word(text, text.index("'"), text.index("'") + 1, rules) for text in texts]
    [True, False, False, False, False]
    """
    following = _word_from(text, end + 1) if text[end : end + 1] == " " else ""
    if len(following) < 2 or not following.islower():
        return False
    word = _word_before(text, start)
    return (
        len(word) >= 2  # a letter alone is an elision's (`rock 'n' roll`, `o' the`)
        and word.islower()
        and not word.endswith("s")
        and word not in rules.end_elisions
        and zipf(word) >= rules.stray_after_zipf
    )


def stray_before_word(text: str, start: int, end: int, rules: TypographyRules) -> bool:
    """Whether an opening mark that nothing closes is a speck: it stands mid-sentence (after a word or a
    comma and a space) before a common word in small letters (``and 'she was``). After a sentence's end
    or a colon, or before a capital, it more likely opens a quotation whose closing mark was lost.

    >>> rules = compile_rules(None, ())
    >>> texts = ("and 'she was", "said: 'she was", "and 'Frisco", "and 'scum was")
    >>> [stray_before_word(text, text.index("'"), text.index("'") + 1, rules) for text in texts]
    [True, False, False, False]
    """
    if start < 2 or text[start - 1] != " " or not (text[start - 2].isalpha() or text[start - 2] == ","):
        return False
    word = _word_from(text, end)
    return len(word) >= 2 and word.islower() and zipf(word) >= rules.stray_before_zipf


def _word_from(text: str, position: int) -> str:
    """The letters from ``position`` on (the empty string where none stands there)."""
    end = position
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[position:end]


def _word_before(text: str, position: int) -> str:
    """The letters that end at ``position``."""
    start = position
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return text[start:position]


# ---------------------------------------------------------------- dashes


def dash_edits(text: str, rules: TypographyRules) -> list[Edit]:
    """Em dashes between words and en dashes in number ranges, as the rules ask."""
    edits = []
    if rules.em_dash:
        for start, end in em_dash_spans(text, rules):
            spaced = text[start] == " "
            edits.append(Edit(start, end, _space_em_dash(spaced, rules.em_dash_spacing), "em-dash"))
    if rules.en_dash_ranges:
        edits.extend(Edit(hyphen, hyphen + 1, "–", "en-dash-range") for hyphen in number_range_hyphens(text))
    return edits


def em_dash_spans(text: str, rules: TypographyRules) -> list[Span]:
    """` - `, ` -- ` (any run of spaces) or `--` between two words, a closing quote or bracket allowed.

    >>> em_dash_spans("once - twice--thrice, run --skip, 5 - 3, well-known", compile_rules(None, ()))
    [(4, 7), (12, 14)]
    """
    spans = []
    for match in _DASH_CANDIDATE.finditer(text):
        start, end = match.span()
        if _char(text, start - 1) == " " and _char(text, end) == " ":
            while _char(text, start - 1) == " ":
                start -= 1
            while _char(text, end) == " ":
                end += 1
        elif match.group() != "--":
            continue
        if _between_words(text, start, end, rules):
            spans.append((start, end))
    return spans


def _between_words(text: str, start: int, end: int, rules: TypographyRules) -> bool:
    left, right = _char(text, start - 1), _char(text, end)
    if left in rules.dash_word_end:
        left = _char(text, start - 2)
    if right in rules.dash_word_start:
        right = _char(text, end + 1)
    return left.isalpha() and right.isalpha()


def _space_em_dash(spaced: bool, spacing: str) -> str:
    """``keep``: spaced stays spaced (one space a side), closed stays closed.

    >>> _space_em_dash(True, "keep"), _space_em_dash(False, "keep"), _space_em_dash(True, "closed")
    (' — ', '—', '—')
    """
    return " — " if spacing == "spaced" or (spacing == "keep" and spaced) else "—"


def number_range_hyphens(text: str) -> list[int]:
    """Hyphens joining a number range, not inside a longer chain (dates, phone numbers, references).

    >>> number_range_hyphens("pp. 79-83, 1914-18, 2007-05-22, 555-1234, 83-79, 10/1.-39")
    [6, 15]
    """
    found = []
    for hyphen in offsets(text, "-"):
        start, end = hyphen, hyphen + 1
        while _char(text, start - 1).isdigit():
            start -= 1
        while _char(text, end).isdigit():
            end += 1
        before, after = _char(text, start - 1), _char(text, end)
        if before.isalnum() or before in "-/.:," or after.isalnum() or after in "-/":
            continue
        if after in ".:," and _char(text, end + 1).isdigit():
            continue
        first, second = text[start:hyphen], text[hyphen + 1 : end]
        if 0 < len(first) <= 4 and 0 < len(second) <= 4 and is_number_range(first, second):
            found.append(hyphen)
    return found


def is_number_range(first: str, second: str) -> bool:
    """A range runs upwards, its end no longer than its start (``79-83``, ``1914-18``, not ``555-1234``).

    >>> is_number_range("79", "83"), is_number_range("1914", "18"), is_number_range("555", "1234")
    (True, True, False)
    """
    if len(second) > len(first):
        return False
    return int(second) > int(first[-len(second) :])


# ---------------------------------------------------------------- spaces


def space_edits(text: str, rules: TypographyRules) -> list[Edit]:
    """Trailing spaces, spaces before punctuation, runs of spaces inside lines, no-break spaces.

    Every run of spaces worth a look holds an anchor (a space before a space, a mark or a line break; a
    tab at a line end; a no-break space the rules turn into a space); each run is judged once, whole.
    """
    spaces = " " if rules.keep_nbsp else " " + rules.nbsp
    found = {match.start() for match in _space_anchor(rules.no_space_before).finditer(text)}
    found.update(offsets(text, "\t\n") if rules.trailing else ())
    for char in "" if rules.keep_nbsp else rules.nbsp:
        found.update(offsets(text, char))
    if text.endswith(tuple(spaces + "\t")):
        found.add(len(text) - 1)
    edits, seen = [], set()
    blank, length = spaces + "\t", len(text)
    for position in sorted(found):
        start, end = position, position
        while start and text[start - 1] in blank:
            start -= 1
        while end < length and text[end] in blank:
            end += 1
        if start not in seen:
            seen.add(start)
            edit = _judge_spaces(text, start, end, rules)
            if edit is not None:
                edits.append(edit)
    return edits


@lru_cache(maxsize=8)
def _space_anchor(marks: str) -> re.Pattern[str]:
    """A space before a space, a line break or a mark: literal-first, one scan finds every run to judge."""
    return re.compile(f" [ \n{re.escape(marks)}]")


def _judge_spaces(text: str, start: int, end: int, rules: TypographyRules) -> Edit | None:
    """What to do with the run of spaces ``text[start:end]``: nothing, remove it or make it one space."""
    before, after = _char(text, start - 1), _char(text, end)
    if after == "\n":
        return Edit(start, end, "", "trailing-space") if rules.trailing else None
    if before == "\n" or "\t" in text[start:end]:
        return None  # indentation and tab stops carry structure
    if after in rules.no_space_before and before.isalnum():
        ellipsis = _char(text, end + 1) == "." or text[end + 1 : end + 3] == " ."
        ratio = after == ":" and before.isdigit()
        if _char(text, end + 1).isspace() and not ellipsis and not ratio:
            return Edit(start, end, "", "space-before-punctuation")
    if end - start >= rules.column_gap:
        return None
    if end - start > 1:
        return Edit(start, end, " ", "collapse-spaces")
    return None if rules.keep_nbsp else Edit(start, end, " ", "nbsp")


# ---------------------------------------------------------------- garble, code, overlaps


def garble_suggestions(text: str, rules: TypographyRules) -> list[Edit]:
    """OCR punctuation garble from the rules, logged for a reviewer and never applied."""
    return [
        Edit(*match.span(), replacement, name, applied=False, note=note)
        for name, pattern, replacement, note in rules.garbles
        for match in pattern.finditer(text)
    ]


def code_line_spans(text: str, rules: TypographyRules) -> list[Span]:
    """The lines that look like code or data, as sorted, merged ``(start, end)`` spans."""
    lines = set()
    for pattern in rules.code_lines:
        for match in pattern.finditer(text):
            end = text.find("\n", match.end())
            lines.add((text.rfind("\n", 0, match.start()) + 1, len(text) if end == -1 else end))
    spans: list[Span] = []
    for start, end in sorted(lines):
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans
