"""Stage `typography`: quotes paired and set in the user's style, apostrophes, dashes and spaces.

It runs last, on whole paragraphs (one a line after ``reflow``, or several lines with ``--skip reflow``: a
paragraph ends at a blank line). Quote marks are judged by what stands either side of them, never by the
glyph OCR chose, and changed only where the marks of a paragraph pair up; a mark that finds no partner is
logged as a suggestion. Line breaks and the indentation at line starts carry structure and are never
touched; lines that look like code or data are left alone entirely. Every table (quote characters,
elisions, code patterns, garble patterns) lives in ``rules/typography.toml``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from math import inf
from pathlib import Path

import regex

from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.errors import RulesError
from pipeline.core.rules import RuleTable, load_rules
from pipeline.core.settings import Settings

OPEN, CLOSE, EITHER = "open", "close", "either"

# What may stand before an opening quote besides a space, and after a closing one: brackets and dashes.
_BEFORE_OPENING = frozenset("([{<—–-/")
_AFTER_CLOSING = frozenset(".,;:!?)]}>—–-/…")
_PARAGRAPH_BREAK = regex.compile(r"\n[ \t]*\n")
_QUOTE_ROLES = ("open_double", "close_double", "open_single", "close_single", "apostrophe")
_DASH_SPACINGS = ("keep", "closed", "spaced")


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
    double_marks: regex.Pattern[str]
    single_marks: regex.Pattern[str]
    misread_close: frozenset[str]
    foreign_double: frozenset[str]
    elision: regex.Pattern[str]
    primes: regex.Pattern[str] | None
    em_dash: regex.Pattern[str] | None
    em_dash_spacing: str
    number_range: regex.Pattern[str] | None
    spaces: regex.Pattern[str]
    keep_nbsp: bool
    code_line: regex.Pattern[str] | None
    garbles: tuple[tuple[str, regex.Pattern[str], str, str], ...]


def run(document: Document, settings: Settings) -> list[Edit]:
    """Propose this stage's edits for the whole text; lines that look like code are left out."""
    rules = compile_rules(settings.rules_dir, settings.overrides)
    text = document.text
    edits = drop_overlapping(quote_edits(text, rules), dash_edits(text, rules), space_edits(text, rules))
    edits.extend(garble_suggestions(text, rules))
    code = code_line_spans(text, rules)
    return [edit for edit in edits if not _inside(code, edit.start, edit.end)] if code else edits


@lru_cache(maxsize=16)
def compile_rules(rules_dir: Path | None, overrides: tuple[str, ...]) -> TypographyRules:
    """Read and compile the rules; a bad value or pattern is a ``RulesError`` naming the key."""
    table = load_rules("typography", rules_dir, overrides)
    styles = table.table("styles")
    name = table.text("style", choices=tuple(styles))
    chosen = styles.table(name)
    style = Style(*(_one_character(chosen, role) for role in _QUOTE_ROLES))
    quotes = table.table("quotes")
    double = quotes.text("double")
    single = quotes.text("single")
    misread = quotes.text("misread_close_double")
    marks = regex.escape(double)
    double_pattern = f"[{marks}]+" + (f"|(?<=\\S)[{regex.escape(misread)}]" if misread else "")
    # An elision pattern writes ' for the apostrophe; any single mark the scan has stands for it.
    single_class = f"[{regex.escape(single)}]"
    elisions = [pattern.replace("'", single_class) for pattern in quotes.strings("elisions")]
    dashes = table.table("dashes")
    spaces = table.table("spaces")
    return TypographyRules(
        style=style,
        double_marks=_compile(table, "quotes.double", double_pattern),
        single_marks=_compile(table, "quotes.single", f"{single_class}+"),
        misread_close=frozenset(misread),
        foreign_double=frozenset(quotes.text("foreign_double")),
        elision=_compile(table, "quotes.elisions", _any_of(elisions) or "(?!)", regex.IGNORECASE),
        primes=_compile_optional(table, "quotes.primes", quotes.strings("primes")),
        em_dash=_em_dash_pattern() if dashes.flag("em_dash") else None,
        em_dash_spacing=dashes.text("em_dash_spacing", choices=_DASH_SPACINGS),
        number_range=_number_range_pattern()
        if dashes.text("number_ranges", choices=("keep", "en-dash")) == "en-dash"
        else None,
        spaces=_compile(table, "spaces", _space_pattern(spaces)),
        keep_nbsp=spaces.flag("keep_nbsp"),
        code_line=_compile_optional(table, "code.patterns", table.table("code").strings("patterns")),
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


def _compile_optional(table: RuleTable, key: str, patterns: tuple[str, ...]) -> regex.Pattern[str] | None:
    return _compile(table, key, _any_of(patterns)) if patterns else None


# ---------------------------------------------------------------- quotes


@dataclass(frozen=True, slots=True)
class QuoteMark:
    """One quote mark (or a doubled one) found in the text, with the role its context gives it."""

    start: int
    end: int
    context: str  # OPEN, CLOSE or EITHER, from what stands either side
    misread: bool = False  # a trademark sign standing where a closing quote should be


def facing(text: str, start: int, end: int) -> str:
    """Which way a mark at ``text[start:end]`` faces, from its neighbours alone.

    A mark after a space (or bracket, dash, line start) and before a word opens; a mark after a word and
    before a space (or punctuation, line end) closes; anything else could be either.

    >>> facing('say "no" now', 4, 5), facing('say "no" now', 7, 8), facing('a"b', 1, 2)
    ('open', 'close', 'either')
    """
    before = text[start - 1] if start else "\n"
    after = text[end] if end < len(text) else "\n"
    opens = before.isspace() or before in _BEFORE_OPENING
    closes = after.isspace() or after in _AFTER_CLOSING
    if opens and not closes:
        return OPEN
    if closes and not opens:
        return CLOSE
    return EITHER


def quote_edits(text: str, rules: TypographyRules) -> list[Edit]:
    """Double quotes paired per paragraph, then single quotes and apostrophes."""
    primes = _spans(rules.primes, text)
    breaks = [match.start() for match in _PARAGRAPH_BREAK.finditer(text)]
    bounds = [0, *breaks, len(text)]

    def by_paragraph(pattern: regex.Pattern[str]) -> Iterator[tuple[int, Iterator[regex.Match[str]]]]:
        matches: Iterable[regex.Match[str]] = pattern.finditer(text)
        if primes:
            matches = (match for match in matches if not _inside(primes, *match.span()))
        return groupby(matches, key=lambda match: bisect_right(breaks, match.start()))

    edits: list[Edit] = []
    for paragraph, group in by_paragraph(rules.double_marks):
        start, end = bounds[paragraph], bounds[paragraph + 1]
        if not any(text.find(char, start, end) != -1 for char in rules.foreign_double):
            edits.extend(pair_double_quotes(text, group, rules))
    for _, group in by_paragraph(rules.single_marks):
        edits.extend(pair_single_quotes(text, group, rules))
    return edits


def pair_double_quotes(text: str, matches: Iterable[regex.Match[str]], rules: TypographyRules) -> list[Edit]:
    """Pair one paragraph's double quotes in reading order and set each pair in the style.

    An opener with no closer before the next opener, or a closer with nothing open, is unpaired: it is
    changed only where the style writes the same character either way, else suggested. A trademark sign
    after a word closes a quotation that is open, and is left alone where none is.
    """
    marks: list[QuoteMark] = []
    for match in matches:
        start, end = match.span()
        if match.group() in rules.misread_close:
            after = text[end] if end < len(text) else "\n"
            if (after.isspace() or after in _AFTER_CLOSING) and (
                text[start - 1].isalnum() or text[start - 1] in ".,!?"
            ):
                marks.append(QuoteMark(start, end, CLOSE, misread=True))
            continue
        context = facing(text, start, end)
        if end - start > 1 and context == EITHER:
            continue  # "" standing alone (an empty string, a ditto mark): not a quotation
        marks.append(QuoteMark(start, end, context))
    edits: list[Edit] = []
    opener: QuoteMark | None = None
    for mark in marks:
        if mark.misread:
            if opener is not None:
                edits += [_set_double(text, opener, OPEN, rules), _set_double(text, mark, CLOSE, rules)]
                opener = None
            continue
        if opener is None:
            if mark.context == CLOSE:
                edits.append(_unpaired_double(text, mark, rules))
            else:
                opener = mark
        elif mark.context == OPEN:
            edits.append(_unpaired_double(text, opener, rules))
            opener = mark
        else:
            edits += [_set_double(text, opener, OPEN, rules), _set_double(text, mark, CLOSE, rules)]
            opener = None
    if opener is not None:
        edits.append(_unpaired_double(text, opener, rules))
    return edits


def _set_double(text: str, mark: QuoteMark, role: str, rules: TypographyRules, applied: bool = True) -> Edit:
    """The edit that sets a double mark in its role (same text: the core drops it)."""
    char = rules.style.open_double if role == OPEN else rules.style.close_double
    if mark.misread:
        rule = "trademark-as-quote"
    elif mark.end - mark.start > 1:
        rule = "doubled-quote"
    else:
        rule = "open-quote" if role == OPEN else "close-quote"
    note = "" if applied else "no partner for this quote in the paragraph"
    return Edit(mark.start, mark.end, char, rule, applied=applied, note=note)


def _unpaired_double(text: str, mark: QuoteMark, rules: TypographyRules) -> Edit:
    """An unpaired mark: set where the style writes one character either way, else suggested."""
    role = mark.context
    if role == EITHER:
        role = CLOSE if text[mark.start - 1 : mark.start].isalnum() else OPEN
    same = rules.style.open_double == rules.style.close_double
    return _set_double(text, mark, role, rules, applied=same and mark.end - mark.start == 1)


def pair_single_quotes(
    text: str, matches: Iterable[regex.Match[str]], rules: TypographyRules
) -> Iterator[Edit]:
    """One paragraph's single marks: apostrophes inside and before words, single quotes paired.

    A mark between letters is an apostrophe (``don't``), so is one before a known elision (``'90s``,
    ``'n'``); a doubled one between letters (``scum'’s``) becomes one. A mark before a word opens a single
    quotation only if a mark after a word closes it later in the paragraph; a mark after a word is a
    closing quote or an apostrophe (``workers'``), which most styles write alike.
    """
    style = rules.style
    opener: regex.Match[str] | None = None
    for match in matches:
        start, end = match.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        inside_word = before.isalnum() and after.isalnum()
        if end - start > 1:
            if inside_word:
                yield Edit(start, end, style.apostrophe, "doubled-apostrophe")
            continue
        if inside_word:
            yield Edit(start, end, style.apostrophe, "apostrophe")
        elif after.isalnum() and not before.isalnum():
            if rules.elision.match(text, start):
                yield Edit(start, end, style.apostrophe, "apostrophe")
                continue
            if opener is not None:
                yield _unpaired_single(opener, style)
            opener = match
        elif not after.isalnum() and not (before.isspace() or before.isdigit() or before in _BEFORE_OPENING):
            if opener is not None:
                yield Edit(opener.start(), opener.end(), style.open_single, "open-single-quote")
                yield Edit(start, end, style.close_single, "close-single-quote")
                opener = None
            else:
                yield Edit(start, end, style.apostrophe, "apostrophe")
    if opener is not None:
        yield _unpaired_single(opener, style)


def _unpaired_single(mark: regex.Match[str], style: Style) -> Edit:
    applied = style.open_single == style.apostrophe
    note = "" if applied else "no closing single quote in the paragraph; an apostrophe (elision)?"
    return Edit(mark.start(), mark.end(), style.open_single, "open-single-quote", applied=applied, note=note)


# ---------------------------------------------------------------- dashes


def _em_dash_pattern() -> regex.Pattern[str]:
    """` - `, ` -- ` or `--` between two words (a closing quote or bracket may end the first)."""
    return regex.compile(r"(?<=\p{L}[”’\"')\]]?)(?: +-{1,2} +|--)(?=[“‘\"'(\[]?\p{L})")


def _number_range_pattern() -> regex.Pattern[str]:
    """Two numbers joined by a hyphen, not inside a longer chain (dates, phone numbers, references)."""
    return regex.compile(r"(?<![\p{N}\p{L}\-/.:,])(\p{N}{1,4})-(\p{N}{1,4})(?![\p{N}\p{L}\-/]|[.:,]\p{N})")


def dash_edits(text: str, rules: TypographyRules) -> list[Edit]:
    """Em dashes between words and en dashes in number ranges, as the rules ask."""
    edits = []
    if rules.em_dash is not None:
        for match in rules.em_dash.finditer(text):
            edits.append(Edit(*match.span(), _space_em_dash(match.group(), rules.em_dash_spacing), "em-dash"))
    if rules.number_range is not None:
        for match in rules.number_range.finditer(text):
            if is_number_range(match.group(1), match.group(2)):
                edits.append(Edit(match.end(1), match.start(2), "–", "en-dash-range"))
    return edits


def _space_em_dash(found: str, spacing: str) -> str:
    """``keep``: spaced stays spaced (one space a side), closed stays closed.

    >>> _space_em_dash("  -  ", "keep"), _space_em_dash("--", "keep"), _space_em_dash(" - ", "closed")
    (' — ', '—', '—')
    """
    if spacing == "spaced" or (spacing == "keep" and found.startswith(" ")):
        return " — "
    return "—"


def is_number_range(first: str, second: str) -> bool:
    """A range runs upwards, its end no longer than its start (``79-83``, ``1914-18``, not ``555-1234``).

    >>> is_number_range("79", "83"), is_number_range("1914", "18"), is_number_range("555", "1234")
    (True, True, False)
    """
    if len(second) > len(first):
        return False
    return int(second) > int(first[-len(second) :])


# ---------------------------------------------------------------- spaces


def _space_pattern(spaces: RuleTable) -> str:
    """One pattern for every space fix, the first alternative winning where two could apply."""
    gap = spaces.integer("column_gap", low=2)
    keep_nbsp = spaces.flag("keep_nbsp")
    space = " " if keep_nbsp else "[ \u00a0\u202f\u2007]"
    marks = "".join(regex.escape(mark) for mark in spaces.strings("no_space_before"))
    alternatives = []
    if spaces.flag("trailing"):
        alternatives.append(rf"(?P<trailing>(?:[ \t]|{space})+)$")
    if marks:
        # Not before a spaced ellipsis (`word . . .`) nor a ratio (`1 : 2`).
        alternatives.append(
            rf"(?<=[\p{{L}}\p{{N}}]){space}+(?P<before>[{marks}])(?=\s|$)(?! ?[.])(?<!\p{{N}} +:)"
        )
    alternatives.append(rf"(?<=\S)(?P<run>{space}{{2,{gap - 1}}})(?=\S)")
    if not keep_nbsp:
        alternatives.append(r"(?<=\S)(?P<nbsp>[\u00a0\u202f\u2007])(?=\S)")
    return "|".join(alternatives)


def space_edits(text: str, rules: TypographyRules) -> list[Edit]:
    """Trailing spaces, spaces before punctuation, runs of spaces inside lines, no-break spaces."""
    edits = []
    for match in rules.spaces.finditer(text):
        kind = match.lastgroup
        if kind == "trailing":
            edits.append(Edit(*match.span(), "", "trailing-space"))
        elif kind == "before":
            edits.append(Edit(match.start(), match.start("before"), "", "space-before-punctuation"))
        elif kind == "run":
            edits.append(Edit(*match.span(), " ", "collapse-spaces"))
        else:
            edits.append(Edit(*match.span(), " ", "nbsp"))
    return edits


# ---------------------------------------------------------------- garble, code, overlaps


def garble_suggestions(text: str, rules: TypographyRules) -> list[Edit]:
    """OCR punctuation garble from the rules, logged for a reviewer and never applied."""
    return [
        Edit(*match.span(), replacement, name, applied=False, note=note)
        for name, pattern, replacement, note in rules.garbles
        for match in pattern.finditer(text)
    ]


def code_line_spans(text: str, rules: TypographyRules) -> list[tuple[int, int]]:
    """The lines that look like code or data, as sorted, merged ``(start, end)`` spans."""
    if rules.code_line is None:
        return []
    spans: list[tuple[int, int]] = []
    for match in rules.code_line.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        end = len(text) if end == -1 else end
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def drop_overlapping(*groups: list[Edit]) -> list[Edit]:
    """All edits of the groups, an edit dropped where it overlaps one of an earlier group.

    Quotes come before dashes and dashes before spaces, so one mark is never fixed twice and a second run
    finds nothing left to do.
    """
    kept: list[Edit] = []
    spans: list[tuple[int, int]] = []
    for group in groups:
        taken = sorted(spans)
        for edit in group:
            if not _inside(taken, edit.start, edit.end):
                kept.append(edit)
                spans.append((edit.start, edit.end))
    return kept


def _spans(pattern: regex.Pattern[str] | None, text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)] if pattern is not None else []


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` (a point if empty) overlaps one of the sorted, disjoint ``spans``.

    >>> _inside([(0, 4), (10, 12)], 3, 5), _inside([(0, 4), (10, 12)], 5, 9), _inside([(10, 12)], 11, 11)
    (True, False, True)
    """
    end = max(end, start + 1)
    index = bisect_right(spans, (start, inf)) - 1
    return any(first < end and start < last for first, last in spans[max(index, 0) : index + 2])
