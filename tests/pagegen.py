"""A page generator: real text typeset into pages with running headers, footers, page numbers and page breaks.

It knows which line is what, so the furniture stage can be scored against it::

    pages = generate(LAYOUTS[0], pages=60, seed=1)
    pages.text     # the text as an OCR tool would give it
    pages.kinds    # for each line of pages.text.split("\\n"): "body", "furniture", "break" or "blank"

The body is real prose: the human-corrected ground truth of ``../shared/eval/overproof-smh`` when it is there
(read in place, never copied into the repository), else the sample scan ``raw/stalin-documents.txt``, so the
tests still run on a fresh clone. Paragraphs are wrapped with ``textwrap``; layouts differ in width, header
style (alternating book headers with the page number inside, the same header on every page, none), footers,
page-number styles (arabic and roman, bare or decorated, top or bottom), the page breaks OCR tools write
(form feeds, runs of blank lines, page markers), OCR slips in the furniture, and chapter openings whose title
is also the running header of the pages that follow.
"""

from __future__ import annotations

import random
import re
import textwrap
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import astuple, dataclass

from pipeline.api import Result
from pipeline.core.document import PAGE_BREAK
from tests.conftest import SAMPLE, SHARED

OVERPROOF = SHARED / "eval" / "overproof-smh" / "allArticles.txt"

BODY = "body"
FURNITURE = "furniture"
BREAK = "break"
BLANK = "blank"

_BOOK_TITLES = (
    "THE SYDNEY MORNING HERALD",
    "DOCUMENTS OF THE SOVIET PERIOD",
    "SELECTED CORRESPONDENCE, VOLUME XIV",
    "A HISTORY OF THE COLONY",
    "Proceedings of the Legislative Council",
)
_FOOTERS = (
    "Printed and published by the Government Printer",
    "CONFIDENTIAL — NOT FOR CIRCULATION",
    "Archive of the Colonial Secretary, series 4",
)
# Letters an OCR engine confuses in the furniture (a header read slightly differently on some pages).
_SLIPS = {
    "e": "c",
    "c": "e",
    "l": "1",
    "i": "l",
    "o": "0",
    "n": "m",
    "m": "n",
    "r": "t",
    "E": "F",
    "O": "Q",
    "1": "l",
    "0": "o",
    "5": "S",
}
# Chance that the OCR lost a header, footer or page number on a page.
_DROPPED = 0.03
# Lines in the body that look like numbers but are text: they must never be taken for page numbers.
_NUMBER_LIKE_BODY = ("1937.", "10.1.1939", "1842.", "No. 12.", "II.", "(3)")


@dataclass(frozen=True)
class Layout:
    """How a book, report or scan puts its furniture on the page."""

    name: str
    width: int
    lines_per_page: int
    header: str  # "alternating" (book title / chapter title), "same", or "none"
    number_in_header: bool  # the page number sits in the header line, outside edge
    number_style: (
        str  # "bare", "dashed", "page-word", "of-total", "bracketed", "roman", "front-roman", "none"
    )
    number_at: str  # "top" or "bottom"
    footer: bool
    breaks: tuple[str, ...]  # among "feed", "feed-line", "blank", "bracketed", "dashed", "angle"
    chapters: bool
    paragraph_gap: bool  # a blank line between paragraphs (else an indented first line)
    slips: float  # chance that a header or footer line carries an OCR slip


LAYOUTS = (
    Layout("book", 64, 34, "alternating", True, "bare", "top", False, ("feed",), True, False, 0.15),
    Layout("report", 72, 40, "same", False, "of-total", "bottom", True, ("feed-line",), False, True, 0.1),
    Layout("archive-scan", 70, 30, "none", False, "dashed", "bottom", False, ("blank",), False, True, 0.0),
    Layout(
        "novel-markers",
        60,
        28,
        "alternating",
        False,
        "roman",
        "bottom",
        False,
        ("bracketed",),
        True,
        False,
        0.2,
    ),
    Layout("journal", 76, 44, "same", False, "page-word", "top", True, ("dashed", "angle"), False, True, 0.1),
    Layout(
        "front-matter",
        66,
        32,
        "alternating",
        False,
        "front-roman",
        "bottom",
        False,
        ("blank", "feed"),
        True,
        True,
        0.1,
    ),
    Layout(
        "bracketed", 68, 36, "none", False, "bracketed", "top", True, ("feed", "blank"), False, True, 0.05
    ),
)


@dataclass(frozen=True)
class GeneratedText:
    """A typeset text and the truth about it: the kind of each of its lines."""

    layout: str
    text: str
    kinds: tuple[str, ...]
    pages: int


def body_paragraphs() -> list[str]:
    """Paragraphs of real prose: the OverProof ground truth when ``../shared`` is there, else the sample."""
    if OVERPROOF.is_file():
        return list(overproof_paragraphs(OVERPROOF.read_text(encoding="utf-8")))
    return list(sample_paragraphs(SAMPLE.read_text(encoding="utf-8")))


def overproof_paragraphs(data: str) -> Iterator[str]:
    """Ground-truth column lines joined into paragraphs; a short line ending a sentence ends a paragraph."""
    lines: list[str] = []
    for row in data.splitlines():
        if row.startswith("*$*OVERPROOF*$*"):
            yield from _paragraphs_of(lines)
            lines = []
            continue
        columns = row.split("||@@||")
        if len(columns) >= 2 and columns[1].strip():
            lines.append(columns[1].strip())
    yield from _paragraphs_of(lines)


def _paragraphs_of(lines: list[str]) -> Iterator[str]:
    paragraph = ""
    for line in lines:
        if paragraph.endswith("-") and line[:1].islower():
            paragraph = paragraph[:-1] + line
        else:
            paragraph = f"{paragraph} {line}".strip()
        if len(line) < 32 and line.endswith((".", "!", "?", ":")):
            yield paragraph
            paragraph = ""
    if paragraph:
        yield paragraph


def sample_paragraphs(data: str) -> Iterator[str]:
    """The sample scan's paragraphs (blank-line separated), without its one copyright stamp."""
    for block in re.split(r"\n\s*\n", data):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith("Copyright:")]
        if lines:
            yield from _paragraphs_of(lines)


def to_roman(number: int) -> str:
    """Lower-case roman numeral: ``to_roman(14) == 'xiv'``."""
    out = []
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def generate(layout: Layout, pages: int, seed: int, paragraphs: list[str] | None = None) -> GeneratedText:
    """Typeset ``pages`` pages of real text in ``layout``; the same seed gives the same text."""
    rng = random.Random(seed)
    source = paragraphs if paragraphs is not None else body_paragraphs()
    setter = _Typesetter(layout, rng, source, pages)
    page_lines = [setter.page(index) for index in range(pages)]
    lines: list[tuple[str, str]] = []
    for index, page in enumerate(page_lines):
        if index:
            lines.extend(_page_break(layout, rng, setter.physical(index), page))
        lines.extend(page)
    return GeneratedText(
        layout.name, "\n".join(line for line, _ in lines) + "\n", tuple(k for _, k in lines), pages
    )


def _page_break(
    layout: Layout, rng: random.Random, number: int, next_page: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """What an OCR tool writes between two pages (a glued form feed goes on the next page's first line)."""
    style = rng.choice(layout.breaks)
    if style == "feed":
        line, kind = next_page[0]
        next_page[0] = ("\f" + line, kind)
        return []
    if style == "feed-line":
        return [("", BLANK)] * rng.randint(0, 1) + [("\f", BREAK)]
    if style == "blank":
        return [("", BREAK)] * rng.randint(3, 6)
    marker = {"bracketed": f"[Page {number}]", "dashed": f"--- Page {number} ---", "angle": f"<<{number}>>"}[
        style
    ]
    return [("", BLANK)] * rng.randint(0, 1) + [(marker, BREAK)] + [("", BLANK)] * rng.randint(0, 1)


class _Typesetter:
    """Fills pages with wrapped body lines and puts the layout's furniture around them."""

    def __init__(self, layout: Layout, rng: random.Random, paragraphs: list[str], pages: int) -> None:
        self.layout = layout
        self.rng = rng
        self.paragraphs = paragraphs
        self.next_paragraph = rng.randrange(len(paragraphs))
        self.pending: list[tuple[str, str]] = []
        self.book_title = rng.choice(_BOOK_TITLES)
        self.footer = rng.choice(_FOOTERS)
        self.first_number = rng.randint(1, 200)
        self.front_pages = rng.randint(8, 20)
        self.total = self.first_number + pages - 1
        self.chapter = 0
        self.chapter_title = ""
        self.next_chapter = 0 if layout.chapters else pages + 1

    def physical(self, index: int) -> int:
        return self.first_number + index

    def page(self, index: int) -> list[tuple[str, str]]:
        layout, rng = self.layout, self.rng
        opening = index == self.next_chapter
        top: list[tuple[str, str]] = []
        bottom: list[tuple[str, str]] = []
        number = self._number_text(index)
        if opening:
            self.chapter += 1
            self.next_chapter = index + rng.randint(8, 20)
            self.chapter_title = self._title()
        header = self._header(index) if not opening else None
        if header is not None and rng.random() >= _DROPPED:
            top.append((header, FURNITURE))
        if number is not None and rng.random() < _DROPPED:
            number = None
        elif number is not None:
            number = self._slipped(number, self.layout.slips / 2)  # a short number is misread less often
        if number is not None and not layout.number_in_header:
            (top if layout.number_at == "top" and not opening else bottom).append((number, FURNITURE))
        elif number is not None and opening:
            bottom.append((number, FURNITURE))  # chapter openings drop the folio to the foot
        if layout.footer and rng.random() >= _DROPPED:
            bottom.insert(0, (self._slipped(self.footer), FURNITURE))
        body: list[tuple[str, str]] = []
        if opening:
            body += [(f"CHAPTER {to_roman(self.chapter).upper()}", BODY), ("", BLANK)]
            body += [(self.chapter_title, BODY), ("", BLANK)]
        while len(body) < layout.lines_per_page:
            body.append(self._body_line())
        while body and body[0][1] == BLANK:
            body.pop(0)
        while body and body[-1][1] == BLANK:
            body.pop()
        gap_top = [("", BLANK)] * rng.randint(0, 2) if top else []
        gap_bottom = [("", BLANK)] * rng.randint(0, 2) if bottom else []
        return top + gap_top + body + gap_bottom + bottom

    def _body_line(self) -> tuple[str, str]:
        if not self.pending:
            self._set_paragraph()
        return self.pending.pop(0)

    def _set_paragraph(self) -> None:
        layout, rng = self.layout, self.rng
        if rng.random() < 0.03:
            lines = [rng.choice(_NUMBER_LIKE_BODY)]
        else:
            text = self.paragraphs[self.next_paragraph % len(self.paragraphs)]
            self.next_paragraph += 1
            indent = "" if layout.paragraph_gap else "    "
            lines = textwrap.wrap(text, layout.width, initial_indent=indent) or [text]
        self.pending = [(line, BODY) for line in lines]
        if layout.paragraph_gap:
            self.pending.append(("", BLANK))

    def _title(self) -> str:
        words = self.paragraphs[self.next_paragraph % len(self.paragraphs)].split()[: self.rng.randint(3, 6)]
        return " ".join(word.strip(".,;:\"'()") for word in words).upper() or "CHAPTER"

    def _header(self, index: int) -> str | None:
        layout = self.layout
        if layout.header == "none":
            return None
        even = self.physical(index) % 2 == 0
        title = (
            self.book_title
            if layout.header == "same" or even or not self.chapter_title
            else self.chapter_title
        )
        title = self._slipped(title)
        if not layout.number_in_header:
            return title
        spaces = " " * self.rng.randint(3, 12)
        number = str(self.physical(index))
        return f"{number}{spaces}{title}" if even else f"{title}{spaces}{number}"

    def _number_text(self, index: int) -> str | None:
        style, number = self.layout.number_style, self.physical(index)
        if style == "none":
            return None
        if style == "front-roman":
            front = index < self.front_pages
            return to_roman(index + 1) if front else str(index + 1 - self.front_pages)
        return {
            "bare": str(number),
            "dashed": f"- {number} -",
            "page-word": f"Page {number}",
            "of-total": f"{number} of {self.total}",
            "bracketed": f"[{number}]",
            "roman": to_roman(number),
        }[style]

    def _slipped(self, line: str, chance: float | None = None) -> str:
        if self.rng.random() >= (self.layout.slips if chance is None else chance):
            return line
        positions = [i for i, char in enumerate(line) if char in _SLIPS]
        if not positions:
            return line
        at = self.rng.choice(positions)
        return line[:at] + _SLIPS[line[at]] + line[at + 1 :]


@dataclass(frozen=True)
class FurnitureScore:
    """How the furniture stage did on generated pages, counted in lines."""

    furniture: int  # furniture lines in the text
    removed: int  # lines the stage removed (markers of page breaks aside)
    correct: int  # removed lines that were furniture
    body_removed: int  # removed lines that were body text: must be 0
    breaks: int  # page breaks in the text
    breaks_written: int  # page-break lines in the output

    @property
    def precision(self) -> float:
        return self.correct / self.removed if self.removed else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.furniture if self.furniture else 1.0

    def __add__(self, other: FurnitureScore) -> FurnitureScore:
        return FurnitureScore(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def score_furniture(generated: GeneratedText, result: Result) -> FurnitureScore:
    """Compare what the furniture stage removed (from its change log) with the truth of the generator."""
    spans = [
        (change.raw_start, change.raw_end)
        for change in result.changes
        if change.applied and change.stage == "furniture"
    ]
    removed = removed_lines(generated.text, spans)
    furniture = correct = body_removed = total_removed = 0
    for kind, gone in zip(generated.kinds, removed, strict=True):
        furniture += kind == FURNITURE
        if gone and kind != BREAK:
            total_removed += 1
            correct += kind == FURNITURE
            body_removed += kind == BODY
    written = sum(line == PAGE_BREAK for line in result.text.split("\n"))
    return FurnitureScore(furniture, total_removed, correct, body_removed, generated.pages - 1, written)


def removed_lines(text: str, spans: list[tuple[int, int]]) -> list[bool]:
    """For each line of ``text``, whether its visible content lies wholly inside one of the removed spans."""
    spans = sorted(spans)
    starts = [start for start, _ in spans]
    removed = []
    position = 0
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    for line in lines:
        content = line.lstrip("\f")
        start = position + len(line) - len(content)
        end = position + len(line)
        index = bisect_right(starts, start) - 1
        removed.append(bool(content.strip()) and index >= 0 and end <= spans[index][1])
        position = end + 1
    return removed
