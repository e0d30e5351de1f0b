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

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import regex
from rapidfuzz import fuzz

from pipeline.core.document import PAGE_BREAK, Document
from pipeline.core.edits import Edit
from pipeline.core.errors import RulesError
from pipeline.core.rules import RuleTable
from pipeline.core.settings import Settings

_NON_SPACE = regex.compile(r"\S")
_LAST_NON_SPACE = regex.compile(r"(?r)\S")
_DIGITS = regex.compile(r"\d+")
_ROMAN = regex.compile(
    r"(?i)\b(?=[mdclxvi]+\b)m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})\b"
)
_SPACES = regex.compile(r"\s+")
_TWO_LETTERS = regex.compile(r"\p{L}.*\p{L}")
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
    exact_below: int
    window: int
    min_support: float
    min_repeats: int
    page_number_window: int
    separators: regex.Pattern[str]
    page_number_patterns: tuple[regex.Pattern[str], ...]
    chapter_heading: regex.Pattern[str] | None
    boilerplate: regex.Pattern[str] | None
    boilerplate_names: tuple[str, ...]


def load_furniture_rules(settings: Settings) -> FurnitureRules:
    """Read and validate the stage's rules as this run sees them."""
    table = settings.rules("furniture")
    boilerplate = settings.rules("boilerplate")
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
    separator_parts = [rf"(?P<blank>(?:^[ \t]*\n){{{blank_lines},}})", r"(?P<feed>\f)"]
    if markers:
        separator_parts.insert(0, rf"(?P<marker>^[ \t]*(?:{'|'.join(markers)})[ \t]*$)")
    return FurnitureRules(
        page_breaks=table.flag("page_breaks"),
        running_headers=table.flag("running_headers"),
        running_footers=table.flag("running_footers"),
        page_numbers=table.flag("page_numbers"),
        edge_lines=table.integer("edge_lines", low=1, high=20),
        similarity=table.number("similarity", low=50, high=100),
        exact_below=table.integer("exact_below", low=0, high=200),
        window=table.integer("window", low=1, high=50),
        min_support=table.number("min_support", low=0, high=1),
        min_repeats=table.integer("min_repeats", low=2, high=100),
        page_number_window=table.integer("page_number_window", low=1, high=50),
        separators=_compile("|".join(separator_parts), "furniture", regex.MULTILINE | regex.IGNORECASE),
        page_number_patterns=tuple(
            _compile(rf"[ \t]*{source}[ \t]*", "furniture", regex.IGNORECASE) for source in numbers
        ),
        chapter_heading=(
            _compile(rf"[ \t]*(?:{'|'.join(headings)})[ \t]*", "furniture", regex.IGNORECASE)
            if headings
            else None
        ),
        boilerplate=(
            _compile(
                "^[ \t]*(?:"
                + "|".join(f"(?P<b{i}>{source})" for i, (_, source) in enumerate(named))
                + ")[ \t]*$",
                "boilerplate",
                regex.MULTILINE | regex.IGNORECASE,
            )
            if named
            else None
        ),
        boilerplate_names=tuple(name for name, _ in named),
    )


def _whole_line_source(entry: RuleTable, where: str) -> str:
    """A named pattern's source, checked to compile, ready to be wrapped into a whole-line pattern."""
    entry.text("name")
    return _check_pattern(entry.text("pattern"), where, entry.prefix + "pattern")


def _check_pattern(source: str, where: str, key: str) -> str:
    try:
        regex.compile(source)
    except regex.error as error:
        raise RulesError(f"rules/{where}.toml: '{key}' is not a valid pattern: {error}") from None
    return source


@lru_cache(maxsize=64)
def _compile(source: str, where: str, flags: int) -> regex.Pattern[str]:
    try:
        return regex.compile(source, flags)
    except regex.error as error:
        raise RulesError(f"rules/{where}.toml: a pattern does not compile: {error}") from None


# --- small, named pieces --------------------------------------------------------------------------------


def mask_numbers(line: str) -> str:
    """The key two header lines are compared by: digits and roman numerals masked, case and spacing folded.

    >>> mask_numbers("  THE COLLECTED WORKS   xiv ")
    'the collected works #'
    >>> mask_numbers("Chapter 12.  The War") == mask_numbers("CHAPTER IV. The War")
    True
    """
    masked = _ROMAN.sub("#", _DIGITS.sub("#", line))
    return _SPACES.sub(" ", masked).strip().lower()


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


def page_number_value(line: str, patterns: Sequence[regex.Pattern[str]]) -> tuple[int, int | None] | None:
    """The page number a line holds alone (with its page count, if given), or None.

    >>> rules = load_furniture_rules(Settings())
    >>> [page_number_value(line, rules.page_number_patterns) for line in ("- 12 -", "Page 3 of 30", "xiv")]
    [(12, None), (3, 30), (14, None)]
    >>> page_number_value("1937.", rules.page_number_patterns) is None
    True
    """
    for pattern in patterns:
        match = pattern.fullmatch(line)
        if match is None:
            continue
        number = match.group("number")
        value = int(number) if number.isdigit() else roman_to_int(number)
        if value is None:
            continue
        total = match.groupdict().get("total")
        return value, int(total) if total else None
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
    furniture: dict[int, tuple[int, str]] = field(default_factory=dict)  # line start -> (line end, rule)
    top_end: int = -1  # where the furniture at the top ends (the page start if there is none)
    bottom_start: int = -1  # where the furniture at the bottom starts (the page end if there is none)

    def __post_init__(self) -> None:
        self.top_end = self.start
        self.bottom_start = self.end


def split_pages(text: str, rules: FurnitureRules) -> tuple[list[Page], list[tuple[int, int]]]:
    """The pages of a text and the page breaks between them (spans of the separators).

    Separators with only blank space between are one page break (a marker line and a form feed, blank lines
    and a form feed), except two form feeds: the page between them is an empty page of the scan.
    """
    separators: list[tuple[int, int]] = []
    previous_kind = ""
    for match in rules.separators.finditer(text):
        kind = match.lastgroup or ""
        start, end = match.span()
        if (
            separators
            and (kind, previous_kind) != ("feed", "feed")
            and not text[separators[-1][1] : start].strip()
        ):
            separators[-1] = (separators[-1][0], end)
        else:
            separators.append((start, end))
        previous_kind = kind
    pages = []
    start = 0
    depth = rules.edge_lines + 2
    for index, (sep_start, sep_end) in enumerate([*separators, (len(text), len(text))]):
        top, bottom = _lines_down(text, start, sep_start, depth), _lines_up(text, start, sep_start, depth)
        pages.append(Page(index, start, sep_start, top, bottom))
        start = sep_end
    return pages, separators


def _lines_down(text: str, start: int, end: int, count: int) -> list[tuple[int, int]]:
    """Spans of the first ``count`` non-blank lines of ``text[start:end]``."""
    lines = []
    position = start
    while position < end and len(lines) < count:
        newline = text.find("\n", position, end)
        line_end = end if newline == -1 else newline
        if not text[position:line_end].isspace() and line_end > position:
            lines.append((position, line_end))
        position = line_end + 1
    return lines


def _lines_up(text: str, start: int, end: int, count: int) -> list[tuple[int, int]]:
    """Spans of the last ``count`` non-blank lines of ``text[start:end]``, bottom line first."""
    lines: list[tuple[int, int]] = []
    line_end = end - 1 if end > start and text[end - 1] == "\n" else end
    while line_end > start and len(lines) < count:
        newline = text.rfind("\n", start, line_end)
        line_start = start if newline == -1 else newline + 1
        if line_end > line_start and not text[line_start:line_end].isspace():
            lines.append((line_start, line_end))
        if newline == -1:
            break
        line_end = newline
    return lines


# --- detectors ------------------------------------------------------------------------------------------


class RunningHeaderDetector:
    """Finds lines at one edge of the pages that repeat, with variations, on pages of the same parity.

    Digits and roman numerals are masked first, so ``12  THE WAR`` and ``14  THE WAR`` are one header;
    parity is kept apart because books put the title on one side and the chapter on the other.
    """

    def __init__(self, keys: list[list[str]], rules: FurnitureRules) -> None:
        self.keys = keys
        self.rules = rules
        self._verdicts: dict[tuple[int, str], bool] = {}

    def similar(self, first: str, second: str) -> bool:
        """Whether two masked lines are one header with OCR variations."""
        if len(first) < self.rules.exact_below or len(second) < self.rules.exact_below:
            return first == second
        return fuzz.ratio(first, second, score_cutoff=self.rules.similarity) > 0

    def repeats(self, page: int, key: str) -> bool:
        """Whether ``key`` at page index ``page`` recurs on enough same-parity pages nearby."""
        verdict = self._verdicts.get((page, key))
        if verdict is None:
            verdict = self._verdicts[page, key] = self._repeats(page, key)
        return verdict

    def _repeats(self, page: int, key: str) -> bool:
        if not _TWO_LETTERS.search(key):
            return False  # numbers and dashes alone are for the page-number check
        total = 1
        supported = False
        for step in (-2, 2):
            seen = matched = 0
            for offset in range(1, self.rules.window + 1):
                other = page + step * offset
                if not 0 <= other < len(self.keys):
                    break
                seen += 1
                if any(self.similar(key, candidate) for candidate in self.keys[other]):
                    matched += 1
            total += matched
            supported = supported or (seen > 0 and matched > 0 and matched >= self.rules.min_support * seen)
        return supported and total >= self.rules.min_repeats


def confirmed_page_numbers(
    values: list[list[tuple[int, tuple[int, int | None]]]], window: int
) -> list[set[int]]:
    """For each page, the line starts holding a page number that runs in sequence with a nearby page's.

    ``values[page]`` lists ``(line start, (number, total))``; a number is confirmed when a page ``k`` pages
    away holds the number ``k`` higher (with the same total, if any), so a ``1937`` in the text is not one.

    >>> confirmed_page_numbers([[(0, (11, None))], [(50, (1937, None))], [(90, (13, None))]], 4)
    [{0}, set(), {90}]
    """
    confirmed: list[set[int]] = [set() for _ in values]
    for page, candidates in enumerate(values):
        for start, (number, total) in candidates:
            for other in range(max(0, page - window), min(len(values), page + window + 1)):
                if other != page and any(
                    other_number - number == other - page and other_total == total
                    for _, (other_number, other_total) in values[other]
                ):
                    confirmed[page].add(start)
                    break
    return confirmed


# --- the stage ------------------------------------------------------------------------------------------


def run(document: Document, settings: Settings) -> list[Edit]:
    """Find the pages and their furniture; propose one logged removal for each piece."""
    rules = load_furniture_rules(settings)
    text = document.text
    pages, separators = split_pages(text, rules)
    boilerplate = _boilerplate_lines(text, rules)
    if len(pages) > 1:
        document.set_page_starts(document.raw_span(end, end)[0] for _, end in separators)
        _mark_edges(text, pages, rules, boilerplate)
    return _edits(text, pages, separators, boilerplate, rules)


def _boilerplate_lines(text: str, rules: FurnitureRules) -> dict[int, tuple[int, str]]:
    """Every boilerplate line in the text: line start -> (line end, rule)."""
    if rules.boilerplate is None:
        return {}
    found = {}
    for match in rules.boilerplate.finditer(text):
        name = rules.boilerplate_names[int(match.lastgroup[1:])] if match.lastgroup else "boilerplate"
        found[match.start()] = (match.end(), f"boilerplate-{name}")
    return found


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
                if (value := page_number_value(text[start:end], rules.page_number_patterns)) is not None
            ]
            for page in pages
        ]
        numbers = confirmed_page_numbers(values, rules.page_number_window)
    sides = (("top", HEADER_RULE, rules.running_headers), ("bottom", FOOTER_RULE, rules.running_footers))
    for side, rule, enabled in sides:
        keys = [[mask_numbers(text[s:e]) for s, e in candidates(getattr(page, side))] for page in pages]
        detector = RunningHeaderDetector(keys, rules) if enabled else None
        for page in pages:
            opens_chapter = (
                side == "top" and detector is not None and _opens_chapter(text, page, rules, detector)
            )
            counted = 0
            for start, end in getattr(page, side):
                if start not in page.furniture:
                    if start in boilerplate:
                        page.furniture[start] = boilerplate[start]
                    elif counted == depth:
                        break
                    else:
                        counted += 1
                        if start in numbers[page.index]:
                            page.furniture[start] = (end, PAGE_NUMBER_RULE)
                        elif (
                            detector is not None
                            and not opens_chapter
                            and detector.repeats(page.index, mask_numbers(text[start:end]))
                        ):
                            page.furniture[start] = (end, rule)
                        else:
                            break
                if side == "top":
                    page.top_end = max(page.top_end, end)
                else:
                    page.bottom_start = min(page.bottom_start, start)


def _opens_chapter(text: str, page: Page, rules: FurnitureRules, detector: RunningHeaderDetector) -> bool:
    """Whether a page's top lines hold a chapter heading that is not itself a running header."""
    if rules.chapter_heading is None:
        return False
    return any(
        rules.chapter_heading.fullmatch(text[start:end])
        and not detector.repeats(page.index, mask_numbers(text[start:end]))
        for start, end in page.top[: rules.edge_lines]
    )


def _edits(
    text: str,
    pages: list[Page],
    separators: list[tuple[int, int]],
    boilerplate: dict[int, tuple[int, str]],
    rules: FurnitureRules,
) -> list[Edit]:
    """One edit for each piece of furniture and page break, in the text between the pages' bodies."""
    bodies = [body for page in pages if (body := _body_span(text, page))]
    marked = {start for page in pages for start in page.furniture} if bodies else set()
    # Boilerplate that is not at a page's edge: the line and its newline. Without any body text, all of it.
    edits = [
        Edit(start, _line_end(text, end), "", rule)
        for start, (end, rule) in boilerplate.items()
        if start not in marked
    ]
    if not bodies:
        return edits  # nothing but furniture: leave the rest of such a text as it is
    units = sorted(
        [(start, end, rule) for page in pages for start, (end, rule) in page.furniture.items()]
        + [(start, end, PAGE_BREAK_RULE) for start, end in separators]
    )
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
    for (_, last_end), (next_start, _) in pairwise(bodies):
        gap_start = last_end + 1 if text.startswith("\n", last_end) else last_end
        gap = [unit for unit in units if gap_start <= unit[0] < next_start]
        edits.extend(_gap_edits(text, gap, gap_start, next_start, rules.page_breaks))
    return edits


def _gap_edits(
    text: str, gap: list[tuple[int, int, str]], gap_start: int, gap_end: int, page_breaks: bool
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
        if rule == PAGE_BREAK_RULE:
            newline = "\n" if position == 0 and gap_start > 0 and text[gap_start - 1] != "\n" else ""
            replacement = f"{newline}{PAGE_BREAK}\n"
        edits.append(Edit(span_start, span_end, replacement, rule))
    return edits


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
