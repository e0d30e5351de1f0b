"""Stage `furniture`: page breaks, running headers and footers, page numbers, boilerplate.

The stage finds where pages break (form feeds, runs of blank lines, markers such as ``[Page 12]``), looks at
the few lines at the top and bottom of each page only, and removes those that are page furniture: running
headers and footers (lines repeating, with variations, on pages of the same parity), page numbers (checked for
being a running sequence) and boilerplate (named patterns in ``rules/boilerplate.toml``, anywhere). Each page
break becomes a line holding only a form feed (``PAGE_BREAK``), the convention ``reflow`` relies on::

    "...last body line\\n\\f\\nfirst body line..."

Every removal is its own logged edit with a rule naming the kind (``page-break``, ``running-header``,
``running-footer``, ``page-number``, ``boilerplate-NAME``), so ``restore`` gives the scan back and a reviewer
sees why each line went. A text of one page, or with ordinary paragraph spacing, passes untouched.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

import regex
from rapidfuzz import fuzz, process

from pipeline.core.document import PAGE_BREAK, Document
from pipeline.core.edits import Edit
from pipeline.core.errors import RulesError
from pipeline.core.rules import RuleTable
from pipeline.core.settings import Settings

# A page break as found: start, end and kind ("feed", "blank" or "marker").
Separator = tuple[int, int, str]
# A page break as the stage writes it: start, end, and whether it writes the page-break line (the first
# separator of a group that makes one page break) or is removed.
Break = tuple[int, int, bool]
# A compiled pattern of the standard ``re`` or of ``regex`` (rules may use either's syntax).
Pattern = Any

_NON_SPACE = re.compile(r"\S")
_LAST_NON_SPACE = regex.compile(r"(?r)\S")
_DIGITS = re.compile(r"\d+")
_ROMAN = re.compile(r"(?i)\b(?=[mdclxvi]+\b)m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})\b")
_ROMAN_WORD = re.compile(r"\b[mdclxvi]+\b", re.IGNORECASE)  # a word that may be a roman numeral
_SPACES = re.compile(r"\s+")
_TWO_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]")
_EDGE_NUMBER = re.compile(
    r"^\s*(\d{1,4}|[ivxlcdm]{1,8})\s{2,}|\s{2,}(\d{1,4}|[ivxlcdm]{1,8})\s*$", re.IGNORECASE
)
# Blank lines just before a point (ending at it) and just after it (each with its newline).
_BLANK_LINES_BEFORE = regex.compile(r"(?r)(?:(?<=^|\n)[ \t]*\n)*\Z")
_BLANK_LINES_AFTER = re.compile(r"(?:[ \t]*\n)*")
# A word with a digit in it: where a misread digit is read back, in lines no longer than a page number's.
_DIGIT_TOKEN = re.compile(r"\S*\d\S*")
_DIGIT = re.compile(r"\d")
_MISREAD_NUMBER_LENGTH = 24
# A short line with a digit or a roman numeral in it: a page number the OCR misread (`l2`, `- 1O -`, `x1v`).
_GARBLED_NUMBER = re.compile(
    r"[ \t]*(?=[^\n]{0,12}$)[^\w\n]{0,3}\w*(?:\d|\b[ivxlc]{1,6}\b)[^\n]*", re.IGNORECASE
)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}

# Rule names as the change log records them (prefixed with the stage).
PAGE_BREAK_RULE = "page-break"
HEADER_RULE = "running-header"
FOOTER_RULE = "running-footer"
PAGE_NUMBER_RULE = "page-number"


@dataclass(frozen=True)
class FurnitureRules:
    """The stage's settings, read and compiled once from ``rules/furniture.toml`` and ``boilerplate.toml``."""

    page_breaks: bool
    running_headers: bool
    running_footers: bool
    page_numbers: bool
    edge_lines: int
    similarity: float
    same_page_similarity: float
    exact_below: int
    window: int
    min_support: float
    min_repeats: int
    page_number_window: int
    blank_run: Pattern
    marked_lines: Pattern | None  # page markers and boilerplate, one whole-line pattern with a group each
    page_number_patterns: tuple[Pattern, ...]
    digit_reading: dict[int, str]  # str.translate table: letters the OCR reads for digits
    chapter_heading: Pattern | None
    boilerplate_names: tuple[str, ...]


def load_furniture_rules(settings: Settings) -> FurnitureRules:
    """Read and validate the stage's rules as this run sees them (compiled once for a set of rules)."""
    return _compiled_rules(settings.rules("furniture"), settings.rules("boilerplate"))


@lru_cache(maxsize=16)
def _compiled_rules(table: RuleTable, boilerplate: RuleTable) -> FurnitureRules:
    return _compile_rules(table, boilerplate)


def _compile_rules(table: RuleTable, boilerplate: RuleTable) -> FurnitureRules:
    blank_lines = table.integer("blank_lines_per_break", low=2, high=100)
    markers = [_whole_line_source(marker, "furniture") for marker in table.tables("marker", [])]
    numbers = [_whole_line_source(pattern, "furniture") for pattern in table.tables("page_number", [])]
    headings = [
        _check_pattern(source, "furniture", "chapter_headings")
        for source in table.strings("chapter_headings", [])
    ]
    named = (
        [
            (pattern.text("name"), _whole_line_source(pattern, "boilerplate"))
            for pattern in boilerplate.tables("pattern", [])
            if pattern.flag("enabled", True)
        ]
        if table.flag("boilerplate")
        else []
    )
    alternatives = [f"(?P<b{i}>{source})" for i, (_, source) in enumerate(named)]
    if markers:
        alternatives.insert(0, f"(?P<marker>{'|'.join(markers)})")
    return FurnitureRules(
        page_breaks=table.flag("page_breaks"),
        running_headers=table.flag("running_headers"),
        running_footers=table.flag("running_footers"),
        page_numbers=table.flag("page_numbers"),
        edge_lines=table.integer("edge_lines", low=1, high=20),
        similarity=table.number("similarity", low=50, high=100),
        same_page_similarity=table.number("same_page_similarity", low=50, high=100),
        exact_below=table.integer("exact_below", low=0, high=200),
        window=table.integer("window", low=1, high=50),
        min_support=table.number("min_support", low=0, high=1),
        min_repeats=table.integer("min_repeats", low=2, high=100),
        page_number_window=table.integer("page_number_window", low=1, high=50),
        blank_run=_compile(rf"\n((?:[ \t]*\n){{{blank_lines},}})", "furniture", 0),
        marked_lines=(
            _compile(
                rf"^[ \t]*(?:{'|'.join(alternatives)})[ \t]*$", "boilerplate", re.MULTILINE | re.IGNORECASE
            )
            if alternatives
            else None
        ),
        digit_reading=str.maketrans(_digit_confusions(table)),
        page_number_patterns=tuple(
            _compile(rf"[ \t]*(?:{source})[ \t]*", "furniture", re.IGNORECASE) for source in numbers
        ),
        chapter_heading=(
            _compile(rf"[ \t]*(?:{'|'.join(headings)})[ \t]*", "furniture", re.IGNORECASE)
            if headings
            else None
        ),
        boilerplate_names=tuple(name for name, _ in named),
    )


def _digit_confusions(table: RuleTable) -> dict[str, str]:
    confusions = table.table("digit_confusions", {})
    pairs = {letter: confusions.text(letter) for letter in confusions}
    for letter, digit in pairs.items():
        if len(letter) != 1 or len(digit) != 1 or not digit.isdigit():
            raise RulesError(
                f"rules/furniture.toml: 'digit_confusions.{letter}' must map one character to a digit"
            )
    return pairs


def _whole_line_source(entry: RuleTable, where: str) -> str:
    """A named pattern's source, checked to compile, ready to be wrapped into a whole-line pattern."""
    entry.text("name")
    return _check_pattern(entry.text("pattern"), where, entry.prefix + "pattern")


def _check_pattern(source: str, where: str, key: str) -> str:
    try:
        _compile(source, where, 0)
    except RulesError as error:
        raise RulesError(f"rules/{where}.toml: '{key}' is not a valid pattern: {error.__cause__}") from None
    return source


@lru_cache(maxsize=256)
def _compile(source: str, where: str, flags: int) -> Pattern:
    """Compile with the standard ``re`` (faster on these whole-text scans), else with ``regex``."""
    try:
        return re.compile(source, flags)
    except re.error:
        pass
    try:
        return regex.compile(source, flags)
    except regex.error as error:
        raise RulesError(f"rules/{where}.toml: a pattern does not compile: {error}") from error


# --- small, named pieces --------------------------------------------------------------------------------


def mask_numbers(line: str) -> str:
    """The key two header lines are compared by: digits and roman numerals masked, case and spacing folded.

    >>> mask_numbers("  THE COLLECTED WORKS   xiv ")
    'the collected works #'
    >>> mask_numbers("Chapter 12.  The War") == mask_numbers("CHAPTER IV. The War")
    True
    """
    masked = _ROMAN_WORD.sub(_mask_roman, _DIGITS.sub("#", line))
    return _SPACES.sub(" ", masked).strip().lower()


def _mask_roman(word: re.Match[str]) -> str:
    return "#" if _ROMAN.fullmatch(word[0]) else word[0]


def roman_to_int(numeral: str) -> int | None:
    """The value of a well-formed roman numeral, or None.

    >>> roman_to_int("xiv"), roman_to_int("MCMXXXVII"), roman_to_int("iiii")
    (14, 1937, None)
    """
    if not numeral or not _ROMAN.fullmatch(numeral):
        return None
    values = [_ROMAN_VALUES[char] for char in numeral.lower()]
    return sum(
        -value if value < after else value for value, after in zip(values, [*values[1:], 0], strict=True)
    )


def page_number_value(line: str, rules: FurnitureRules) -> tuple[int, int | None] | None:
    """The page number a line holds alone (with its page count, if given), or None.

    Letters the OCR read for digits inside a number with a real digit in it are read back (`l03` is 103).

    >>> rules = load_furniture_rules(Settings())
    >>> [page_number_value(line, rules) for line in ("- 12 -", "Page 3 of 30", "xiv", "Page l03")]
    [(12, None), (3, 30), (14, None), (103, None)]
    >>> page_number_value("1937.", rules) is None
    True
    """
    value = _read_page_number(line, rules)
    if value is None and len(line) <= _MISREAD_NUMBER_LENGTH and _DIGIT.search(line):
        value = _read_page_number(
            _DIGIT_TOKEN.sub(lambda word: word[0].translate(rules.digit_reading), line), rules
        )
    return value


def _read_page_number(line: str, rules: FurnitureRules) -> tuple[int, int | None] | None:
    for pattern in rules.page_number_patterns:
        match = pattern.fullmatch(line)
        if match is None:
            continue
        number = match.group("number")
        value = int(number) if number.isdigit() else roman_to_int(number)
        if value is None:
            continue
        total = match.groupdict().get("total")
        return value, int(total) if total and total.isdigit() else None
    return None


# --- pages and their edge lines -------------------------------------------------------------------------


@dataclass
class Page:
    """One page between two page breaks: its span and the non-blank lines at its top and bottom."""

    index: int
    start: int
    end: int
    top: list[tuple[int, int]]
    bottom: list[tuple[int, int]]
    # Furniture from the page edge inwards (line start -> (line end, rule)), and furniture found past a line
    # that stays (a misread page number), removed on its own.
    furniture: dict[int, tuple[int, str]] = field(default_factory=dict)
    inner: dict[int, tuple[int, str]] = field(default_factory=dict)
    keys: dict[int, str] = field(default_factory=dict)  # edge line start -> the line with numbers masked
    top_end: int = -1  # where the furniture at the top ends (the page start if there is none)
    bottom_start: int = -1  # where the furniture at the bottom starts (the page end if there is none)

    def __post_init__(self) -> None:
        self.top_end = self.start
        self.bottom_start = self.end


def find_marked_lines(text: str, rules: FurnitureRules) -> tuple[list[Separator], dict[int, tuple[int, str]]]:
    """Page breaks in a text (form feeds, blank runs, marker lines) and its boilerplate lines.

    Boilerplate comes as line start -> (line end, rule). Cheap scans over the whole text: ``str.find`` for
    form feeds, one pattern for blank runs and one whole-line pattern for markers and boilerplate.
    """
    found = [(match.start(1), match.end(1), "blank") for match in rules.blank_run.finditer(text)]
    if leading := rules.blank_run.match("\n" + text):
        found.insert(0, (0, leading.end(1) - 1, "blank"))
    position = text.find(PAGE_BREAK)
    while position != -1:
        found.append((position, position + 1, "feed"))
        position = text.find(PAGE_BREAK, position + 1)
    boilerplate = {}
    if rules.marked_lines is not None:
        for match in rules.marked_lines.finditer(text):
            if match.lastgroup == "marker":
                found.append((match.start(), match.end(), "marker"))
            else:
                name = rules.boilerplate_names[int(match.lastgroup[1:])]
                boilerplate[match.start()] = (match.end(), f"boilerplate-{name}")
    return sorted(found), boilerplate


def split_pages(
    text: str, found: list[Separator], boilerplate: dict[int, tuple[int, str]], rules: FurnitureRules
) -> tuple[list[Page], list[Break]]:
    """The pages of a text and the page breaks between them.

    Separators with only blank lines or boilerplate between are one page break (a marker line and a form
    feed, blank lines and a form feed), except two form feeds: the page between them is an empty page of the
    scan. Only the first separator of such a group writes the page-break line.
    """
    groups: list[list[tuple[int, int]]] = []
    previous_kind = ""
    for start, end, kind in found:
        if groups and start < groups[-1][-1][1]:
            continue  # a marker pattern that took in a form feed: one separator
        if (
            groups
            and (kind, previous_kind) != ("feed", "feed")
            and _blank_or_boilerplate(text, groups[-1][-1][1], start, boilerplate)
        ):
            groups[-1].append((start, end))
        else:
            groups.append([(start, end)])
        previous_kind = kind
    pages = []
    start = 0
    depth = rules.edge_lines + 2
    for index, (page_end, next_start) in enumerate(
        [*((group[0][0], group[-1][1]) for group in groups), (len(text), len(text))]
    ):
        top = _lines_down(text, start, page_end, depth, boilerplate)
        bottom = _lines_up(text, start, page_end, depth, boilerplate)
        pages.append(Page(index, start, page_end, top, bottom))
        start = next_start
    breaks = [
        (sep_start, sep_end, first)
        for group in groups
        for first, (sep_start, sep_end) in zip([True] + [False] * (len(group) - 1), group, strict=True)
    ]
    return pages, breaks


def _blank_or_boilerplate(text: str, start: int, end: int, boilerplate: dict[int, tuple[int, str]]) -> bool:
    """Whether ``text[start:end]`` holds nothing but blank lines and boilerplate lines."""
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        line_end = end if newline == -1 else newline
        if text[position:line_end].strip() and position not in boilerplate:
            return False
        position = line_end + 1
    return True


def _lines_down(
    text: str, start: int, end: int, count: int, boilerplate: Container[int]
) -> list[tuple[int, int]]:
    """Spans of the first ``count`` non-blank lines of ``text[start:end]``, boilerplate lines (starts in
    ``boilerplate``) among them but not counted: the page's edge is the same with them removed, so that a
    run on the output judges alike.

    >>> text = "Copyright: X\\nOne\\nTwo\\nThree"
    >>> [text[a:b] for a, b in _lines_down(text, 0, len(text), 2, {0})]
    ['Copyright: X', 'One', 'Two']
    """
    lines = []
    counted = 0
    position = start
    while position < end and counted < count:
        newline = text.find("\n", position, end)
        line_end = end if newline == -1 else newline
        if not text[position:line_end].isspace() and line_end > position:
            lines.append((position, line_end))
            counted += position not in boilerplate
        position = line_end + 1
    return lines


def _lines_up(
    text: str, start: int, end: int, count: int, boilerplate: Container[int]
) -> list[tuple[int, int]]:
    """Spans of the last ``count`` non-blank lines of ``text[start:end]``, bottom line first, boilerplate
    lines among them but not counted (see ``_lines_down``)."""
    lines: list[tuple[int, int]] = []
    counted = 0
    line_end = end - 1 if end > start and text[end - 1] == "\n" else end
    while line_end > start and counted < count:
        newline = text.rfind("\n", start, line_end)
        line_start = start if newline == -1 else newline + 1
        if line_end > line_start and not text[line_start:line_end].isspace():
            lines.append((line_start, line_end))
            counted += line_start not in boilerplate
        if newline == -1:
            break
        line_end = newline
    return lines


# --- detectors ------------------------------------------------------------------------------------------


class RunningHeaderDetector:
    """Finds lines at one edge of the pages that repeat, with variations, on the pages around.

    Digits and roman numerals are masked first, so ``12  THE WAR`` and ``14  THE WAR`` are one header.
    Pages of the same parity are compared apart, because books put the title on one side and the chapter on
    the other; a line on every page passes that way or page by page (a short report's footer). A line with a
    number and one without are never one header: a header that carries the page number carries it on every
    page, and a chapter's title that reads like it has none.
    """

    def __init__(self, keys: list[list[str]], rules: FurnitureRules) -> None:
        self.rules = rules
        self._pages = len(keys)
        self._exact = [set(page) for page in keys]
        # A page with no lines at this edge (a blank page of the scan) can carry no header: it is not
        # looked at, as if it were not there, so that a run on the output, without it, judges alike.
        self._blank = [not page for page in keys]
        # The keys long enough to compare fuzzily, without a number and with one, in page order: each with
        # its page, and where each page's keys start, so that the keys of a stretch of pages are one slice.
        self._long_keys = {
            numbered: _flatten(keys, rules.exact_below, numbered) for numbered in (False, True)
        }
        self._verdicts: dict[tuple[int, str], bool] = {}

    def alike_on_one_page(self, key: str, other: str) -> bool:
        """Whether two masked lines of one page nearly match (short lines must be equal): the bar is lower
        than between pages, since a page never carries its header twice."""
        if (
            len(key) < self.rules.exact_below
            or len(other) < self.rules.exact_below
            or ("#" in key) != ("#" in other)
        ):
            return key == other
        return fuzz.ratio(key, other, score_cutoff=self.rules.same_page_similarity) > 0

    def repeats(self, page: int, key: str) -> bool:
        """Whether ``key`` at page index ``page`` recurs on enough pages nearby."""
        verdict = self._verdicts.get((page, key))
        if verdict is None:
            verdict = self._verdicts[page, key] = self._repeats(page, key)
        return verdict

    def _repeats(self, page: int, key: str) -> bool:
        if not _TWO_LETTERS.search(key):
            return False  # numbers and dashes alone are for the page-number check
        holding = self._pages_holding(page, key)
        return self._recurs(page, holding, stride=2) or self._recurs(page, holding, stride=1)

    def _pages_holding(self, page: int, key: str) -> set[int]:
        """Which pages near ``page`` hold ``key`` at this edge, exactly or with OCR variations."""
        reach = 2 * self.rules.window
        first, last = max(0, page - reach), min(self._pages, page + reach + 1)
        if len(key) < self.rules.exact_below:
            return {other for other in range(first, last) if other != page and key in self._exact[other]}
        keys, owners, starts = self._long_keys["#" in key]
        low, high = starts[first], starts[last]
        found = process.extract(
            key, keys[low:high], scorer=fuzz.ratio, score_cutoff=self.rules.similarity, limit=None
        )
        return {owners[low + index] for _, _, index in found} - {page}

    def _recurs(self, page: int, holding: set[int], stride: int) -> bool:
        """Whether a line recurs every ``stride`` pages: on enough of the pages looked at on one side."""
        total = 1
        supported = False
        for step in (-stride, stride):
            seen = matched = 0
            for offset in range(1, self.rules.window + 1):
                other = page + step * offset
                if not 0 <= other < self._pages:
                    break
                if self._blank[other]:
                    continue
                seen += 1
                matched += other in holding
            total += matched
            supported = supported or (seen > 0 and matched > 0 and matched >= self.rules.min_support * seen)
        return supported and total >= self.rules.min_repeats


def _flatten(keys: list[list[str]], shortest: int, numbered: bool) -> tuple[list[str], list[int], list[int]]:
    """Keys of all pages at least ``shortest`` long, with a number or without; their pages; page starts."""
    flat: list[str] = []
    owners: list[int] = []
    starts: list[int] = []
    for page, page_keys in enumerate(keys):
        starts.append(len(flat))
        for key in page_keys:
            if len(key) >= shortest and ("#" in key) == numbered:
                flat.append(key)
                owners.append(page)
    starts.append(len(flat))
    return flat, owners, starts


def confirmed_page_numbers(
    values: list[list[tuple[int, tuple[int, int | None]]]], witnesses: list[set[int]], window: int
) -> list[set[int]]:
    """For each page, the line starts holding a page number that runs in sequence with a nearby page's.

    ``values[page]`` lists ``(line start, (number, total))`` of the lines holding a number alone;
    ``witnesses[page]`` the numbers at the outer end of its edge lines (``12   THE WAR``). A number is
    confirmed when a page ``k`` pages away holds the number ``k`` higher (with the same total, if any), so
    a ``1937`` in the text is not taken for one.

    >>> confirmed_page_numbers([[(0, (11, None))], [(50, (1937, None))], [(90, (13, None))]], [set()] * 3, 4)
    [{0}, set(), {90}]
    >>> confirmed_page_numbers([[(0, (91, None))], []], [set(), {92}], 4)
    [{0}, set()]
    """
    confirmed: list[set[int]] = [set() for _ in values]
    for page, candidates in enumerate(values):
        for start, (number, total) in candidates:
            for other in range(max(0, page - window), min(len(values), page + window + 1)):
                expected = number + other - page
                if other != page and (
                    any(n == expected and t == total for _, (n, t) in values[other])
                    or (total is None and expected in witnesses[other])
                ):
                    confirmed[page].add(start)
                    break
    return confirmed


def edge_numbers(line: str) -> set[int]:
    """Numbers standing apart at either end of a line, as page numbers do in a header.

    >>> sorted(edge_numbers("92      THE SYDNEY MORNING HERALD")), sorted(edge_numbers("PREFACE    XIV"))
    ([92], [14])
    """
    numbers = set()
    for match in _EDGE_NUMBER.finditer(line):
        token = match.group(1) or match.group(2)
        value = int(token) if token.isdigit() else roman_to_int(token)
        if value is not None:
            numbers.add(value)
    return numbers


# --- the stage ------------------------------------------------------------------------------------------


def run(document: Document, settings: Settings) -> list[Edit]:
    """Find the pages and their furniture; propose one logged removal for each piece."""
    rules = load_furniture_rules(settings)
    text = document.text
    found, boilerplate = find_marked_lines(text, rules)
    pages, breaks = split_pages(text, found, boilerplate, rules)
    if len(pages) > 1:
        document.set_page_starts(document.raw_span(end, end)[0] for _, end, _ in breaks)
        _mark_edges(text, pages, rules, boilerplate)
    return _edits(text, pages, breaks, boilerplate, rules)


def _mark_edges(
    text: str, pages: list[Page], rules: FurnitureRules, boilerplate: dict[int, tuple[int, str]]
) -> None:
    """Mark the furniture at the top and bottom of every page, walking in from each edge."""
    depth = rules.edge_lines

    def candidates(lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return [line for line in lines if line[0] not in boilerplate][:depth]

    numbers: list[set[int]] = [set() for _ in pages]
    if rules.page_numbers:
        values = [
            [
                (start, value)
                for start, end in {*candidates(page.top), *candidates(page.bottom)}
                if (value := page_number_value(text[start:end], rules)) is not None
            ]
            for page in pages
        ]
        witnesses = [
            {
                number
                for start, end in (*page.top[:depth], *page.bottom[:depth])
                for number in edge_numbers(text[start:end])
            }
            for page in pages
        ]
        numbers = confirmed_page_numbers(values, witnesses, rules.page_number_window)
    for page in pages:
        page.keys = {start: mask_numbers(text[start:end]) for start, end in (*page.top, *page.bottom)}
    sides = (("top", HEADER_RULE, rules.running_headers), ("bottom", FOOTER_RULE, rules.running_footers))
    for side, rule, enabled in sides:
        keys = [[page.keys[start] for start, _ in candidates(getattr(page, side))] for page in pages]
        detector = RunningHeaderDetector(keys, rules) if enabled else None
        for page in pages:
            if detector is not None and side == "top" and _opens_chapter(text, page, rules, detector):
                detector_here = None  # the title of a chapter may read like the running header: keep it
            else:
                detector_here = detector
            _walk_edge(
                text, page, side, EdgeRules(rule, detector_here, numbers[page.index], boilerplate, depth)
            )


@dataclass(frozen=True)
class EdgeRules:
    """What decides, on one edge of one page, whether a line is furniture."""

    header_rule: str  # running-header or running-footer
    detector: RunningHeaderDetector | None  # None: running lines are kept on this edge
    page_numbers: set[int]  # starts of the lines confirmed as page numbers
    boilerplate: dict[int, tuple[int, str]]
    depth: int  # how many lines, boilerplate aside, may be furniture


def _walk_edge(text: str, page: Page, side: str, edge: EdgeRules) -> None:
    """Mark a page's furniture from one edge inwards, stopping at the first line that is not furniture.

    A misread page number (a short line with a digit) stays but does not stop the walk: furniture past it
    is marked as ``inner``, to be removed on its own.
    """
    counted = 0
    contiguous = True
    for start, end in getattr(page, side):
        if start in page.furniture:
            kind = page.furniture[start][1]
        elif start in edge.boilerplate:
            kind = edge.boilerplate[start][1]
        elif counted == edge.depth:
            break
        else:
            counted += 1
            key = page.keys[start]
            if start in edge.page_numbers:
                kind = PAGE_NUMBER_RULE
            elif (
                edge.detector is not None
                and edge.detector.repeats(page.index, key)
                and not _repeated_on_page(page, start, key, edge.detector)
            ):
                kind = edge.header_rule
            elif _GARBLED_NUMBER.fullmatch(text[start:end]):
                contiguous = False
                continue
            else:
                break
        if not contiguous:
            page.inner.setdefault(start, (end, kind))
        else:
            page.furniture[start] = (end, kind)
            if side == "top":
                page.top_end = max(page.top_end, end)
            else:
                page.bottom_start = min(page.bottom_start, start)


def _repeated_on_page(page: Page, start: int, key: str, detector: RunningHeaderDetector) -> bool:
    """Whether another line at a page's edges reads like this one: then neither is a running header (a
    section title under a header like it, or body lines made on one pattern)."""
    return any(
        other != start and detector.alike_on_one_page(key, other_key)
        for other, other_key in page.keys.items()
    )


def _opens_chapter(text: str, page: Page, rules: FurnitureRules, detector: RunningHeaderDetector) -> bool:
    """Whether a page's top lines hold a chapter heading that is not itself a running header."""
    if rules.chapter_heading is None:
        return False
    return any(
        rules.chapter_heading.fullmatch(text[start:end])
        and not detector.repeats(page.index, page.keys[start])
        for start, end in page.top[: rules.edge_lines]
    )


def _edits(
    text: str,
    pages: list[Page],
    breaks: list[Break],
    boilerplate: dict[int, tuple[int, str]],
    rules: FurnitureRules,
) -> list[Edit]:
    """One edit for each piece of furniture and page break, in the text between the pages' bodies."""
    bodies = [body for page in pages if (body := _body_span(text, page))]
    page_starts = [page.start for page in pages]
    between_pages = {  # boilerplate in a page break (between a marker and a form feed, say)
        start: line
        for start, line in boilerplate.items()
        if start >= pages[bisect_right(page_starts, start) - 1].end
    }
    marked = {start for page in pages for start in page.furniture} | set(between_pages) if bodies else set()
    # Boilerplate away from the page edges, and furniture past a line that stays: the line and its newline.
    # Without any body text, all boilerplate and nothing else.
    inner = dict(boilerplate)
    if bodies:
        inner.update((start, line) for page in pages for start, line in page.inner.items())
    # Where each body ends: the text after it is the page break's, which a standalone edit must not reach.
    body_ends = [_line_end(text, end) for _, end in bodies]
    edits = _standalone_edits(
        text,
        sorted((start, end, rule) for start, (end, rule) in inner.items() if start not in marked),
        body_ends,
    )
    if not bodies:
        return edits  # nothing but furniture: leave the rest of such a text as it is
    units = sorted(
        [(start, end, rule) for page in pages for start, (end, rule) in page.furniture.items()]
        + [(start, end, rule) for start, (end, rule) in between_pages.items()]
        + [(start, end, PAGE_BREAK_RULE) for start, end, _ in breaks]
    )
    writes_break = {start for start, _, first in breaks if first}
    # Before the first body and after the last: remove the furniture, leave the rest to the output stage.
    edge_units = [unit for unit in units if unit[1] <= bodies[0][0] or unit[0] >= bodies[-1][1]]
    for position, (start, end, rule) in enumerate(edge_units):
        if rule == PAGE_BREAK_RULE:
            continue
        limit = bodies[0][0] if start < bodies[0][0] else len(text)
        following = edge_units[position + 1][0] if position + 1 < len(edge_units) else limit
        edits.append(
            Edit(start, min(following, limit) if rules.page_breaks else _line_end(text, end), "", rule)
        )
    # Between two bodies: the gap becomes one page-break line; each piece of furniture goes by its own rule.
    next_unit = 0
    for (_, last_end), (next_start, _) in pairwise(bodies):
        gap_start = last_end + 1 if text.startswith("\n", last_end) else last_end
        while next_unit < len(units) and units[next_unit][0] < gap_start:
            next_unit += 1
        gap = []
        while next_unit < len(units) and units[next_unit][0] < next_start:
            gap.append(units[next_unit])
            next_unit += 1
        edits.extend(_gap_edits(text, gap, gap_start, next_start, writes_break, rules.page_breaks))
    return edits


def _gap_edits(
    text: str,
    gap: list[tuple[int, int, str]],
    gap_start: int,
    gap_end: int,
    writes_break: set[int],
    page_breaks: bool,
) -> list[Edit]:
    """Edits turning the text between two pages' bodies into ``\\f`` on a line of its own."""
    if not page_breaks:
        return [
            Edit(start, _line_end(text, end), "", rule) for start, end, rule in gap if rule != PAGE_BREAK_RULE
        ]
    edits = []
    for position, (start, _, rule) in enumerate(gap):
        span_start = gap_start if position == 0 else start
        span_end = gap[position + 1][0] if position + 1 < len(gap) else gap_end
        replacement = ""
        if rule == PAGE_BREAK_RULE and start in writes_break:
            newline = "\n" if position == 0 and gap_start > 0 and text[gap_start - 1] != "\n" else ""
            replacement = f"{newline}{PAGE_BREAK}\n"
        edits.append(Edit(span_start, span_end, replacement, rule))
    return edits


def _standalone_edits(text: str, lines: list[tuple[int, int, str]], body_ends: list[int]) -> list[Edit]:
    r"""Edits removing the sorted ``(start, end, rule)`` lines amid other text, each line its own edit. Lines
    that follow one another go as a block: the blank lines after the block's last line are evened out with
    those before its first (see ``_standalone_end``), so that a second run finds no page break there. An
    edit stops where its page's body ends (``body_ends``, sorted): the blank lines after that are the page
    break's, and a block that ends the body takes the blank lines before it too.

    >>> text = "a\n\n\nCopyright: X\nCopyright: Y\n\nb"
    >>> [(edit.start, edit.end) for edit in _standalone_edits(text, [(4, 16, "c"), (17, 29, "c")], [])]
    [(4, 17), (17, 31)]
    >>> [(edit.start, edit.end) for edit in _standalone_edits(text, [(4, 16, "c"), (17, 29, "c")], [30])]
    [(2, 17), (17, 30)]
    """
    edits = []
    block_start = block_first = -1
    for index, (start, end, rule) in enumerate(lines):
        if block_start == -1:
            block_start, block_first = start, len(edits)
        following = lines[index + 1][0] if index + 1 < len(lines) else -1
        if _line_end(text, end) == following:
            edits.append(Edit(start, following, "", rule))
            continue
        stop = bisect_left(body_ends, _line_end(text, end))
        limit = body_ends[stop] if stop < len(body_ends) else len(text)
        edits.append(Edit(start, min(_standalone_end(text, block_start, end), limit), "", rule))
        if _line_end(text, end) == limit:
            # The block ends its page's body: the blank lines before it would trail the body, where a
            # second run counts them into the page break; they go with the block.
            first = edits[block_first]
            earlier = edits[block_first - 1].end if block_first else 0  # blank lines it removed already
            blank = len(_BLANK_LINES_BEFORE.search(text, earlier, block_start)[0])
            edits[block_first] = Edit(first.start - blank, first.end, "", first.rule)
        block_start = -1
    return edits


def _standalone_end(text: str, start: int, end: int) -> int:
    r"""Where the removal of a line amid other text ends: its newline, and as many of the blank lines after
    it as there are before it, so that the blank lines it stood between do not add up to a page break.

    >>> text = "a\n\n\nCopyright: X\n\nb"
    >>> text[:4] + text[_standalone_end(text, 4, 16):]
    'a\n\n\nb'
    """
    before = _BLANK_LINES_BEFORE.search(text, 0, start)[0].count("\n")
    after = _BLANK_LINES_AFTER.match(text, _line_end(text, end))
    lines_after = after[0].splitlines(keepends=True)
    return after.start() + sum(len(line) for line in lines_after[:before])


def _line_end(text: str, end: int) -> int:
    """Just past the newline that ends a line ending at ``end`` (or ``end`` itself at the end of the text)."""
    return end + 1 if text.startswith("\n", end) else end


def _body_span(text: str, page: Page) -> tuple[int, int] | None:
    """From the start of a page's first body line to the end of its last; None for a page of furniture."""
    first = _NON_SPACE.search(text, page.top_end, page.bottom_start)
    if first is None:
        return None
    last = _LAST_NON_SPACE.search(text, first.start(), page.bottom_start)
    line_start = max(text.rfind("\n", page.start, first.start()) + 1, page.start)
    line_end = text.find("\n", last.end(), page.end) if last else -1
    return line_start, page.end if line_end == -1 else line_end
