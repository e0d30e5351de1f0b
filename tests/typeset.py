"""Typeset real paragraphs into the lines of a scanned page, keeping the truth of every line break.

The reflow tests and ``bench/reflow_accuracy.py`` measure the ``reflow`` stage on this: real text is set
at a given width in a proportional font (so character counts per line vary as on a scan), words that
do not fit are hyphenated at ``pyphen``'s syllable points or broken at their own hyphen, paragraphs are
marked by a blank line or by indentation, and pages end in a form-feed line as the ``furniture`` stage
leaves them. Each break remembers what the source had there: a space, nothing (a word broken by the
typesetter, or a break after a dash), the word's own hyphen, or a paragraph break.

Offsets are compared on the *skeleton*: the text without whitespace, hyphens, soft hyphens and form
feeds, which reflow leaves identical while it decides what goes between two skeleton characters.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from pathlib import Path

import pyphen
import regex

import pipeline

# Approximate advance widths of a book face, in thousandths of an em; anything else is 500.
_NARROW = dict.fromkeys("ijlt.,;:'!|()[]`’‘\"", 280) | dict.fromkeys("frsI-", 360) | {" ": 250}
_WIDE = dict.fromkeys("mwMW", 800) | dict.fromkeys("ABCDEGHKNOQRUVXY&", 700) | dict.fromkeys("—", 1000)
_ADVANCE = _NARROW | _WIDE
_SKELETON_DROP = re.compile("[\\s\\-\u00ad\f]")
_WORD_PIECE = regex.compile(r"\p{L}+|[-—–]")


def advance(text: str) -> int:
    """Width of ``text`` in thousandths of an em.

    >>> advance("mill") < advance("mmmm")
    True
    """
    return sum(_ADVANCE.get(char, 500) for char in text)


@dataclass(frozen=True)
class Layout:
    """How a page is set: width in average characters, paragraph marking, lines a page."""

    width: int
    paragraphs: str  # "blank" (a blank line between paragraphs) or "indent" (first line indented)
    page_lines: int
    indent: int = 4


@dataclass
class Break:
    """A line break in the typeset text: where it falls in the source and what the source has there."""

    source_offset: int  # offset in the source of the first character after the break
    truth: str  # " ", "" (joined), "-" (the word's own hyphen), or "\n\n" (paragraph break)
    kind: str  # "space", "dash", "syllable", "compound", "paragraph"


@dataclass
class Typeset:
    """A typeset text, its source (paragraphs separated by a blank line) and the truth of its breaks."""

    text: str
    source: str
    breaks: list[Break] = field(default_factory=list)


@lru_cache(maxsize=1)
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US", left=2, right=3)


def _break_points(word: str) -> list[tuple[int, str]]:
    """Where ``word`` may be broken at a line end: ``(offset, kind)``, the part before ending there.

    >>> _break_points("co-conspirators")
    [(3, 'compound'), (6, 'syllable'), (10, 'syllable'), (11, 'syllable')]
    """
    points: list[tuple[int, str]] = []
    for match in _WORD_PIECE.finditer(word):
        piece = match.group()
        if piece in "-—–":
            inside = 0 < match.start() < len(word) - 1 and word[match.end()].isalpha()
            if inside and (piece != "-" or word[match.start() - 1].isalpha()):
                points.append((match.end(), "compound" if piece == "-" else "dash"))
        elif len(piece) >= 5 and piece.isalpha():
            for position in _hyphenator().positions(piece):
                points.append((match.start() + position, "syllable"))
    return sorted(points)


def typeset(paragraphs: list[str], layout: Layout) -> Typeset:
    """Set ``paragraphs`` (each one line of running text) on pages of ``layout``."""
    source = "\n\n".join(paragraphs)
    line_width = layout.width * 500
    lines: list[str] = []
    starts: list[tuple[int, int]] = []  # for each paragraph: index of its first line, its source offset
    breaks: list[Break] = []
    offset = 0
    for number, paragraph in enumerate(paragraphs):
        if number:
            breaks.append(Break(offset, "\n\n", "paragraph"))
        starts.append((len(lines), offset))
        indent = " " * layout.indent if layout.paragraphs == "indent" and number else ""
        line = indent
        for word_start, word in _words(paragraph, offset):
            candidate = f"{line} {word}" if line.strip() else line + word
            if advance(candidate) <= line_width:
                line = candidate
                continue
            head, tail, kind = _split_word(word, line, line_width)
            if head:
                line = f"{line} {head}" if line.strip() else line + head
                cut = word_start + len(head) - (1 if kind == "syllable" else 0)
                breaks.append(Break(cut, {"syllable": "", "compound": "-", "dash": ""}[kind], kind))
                word = tail
                word_start = cut
            else:
                breaks.append(Break(word_start, " ", "space"))
            lines.append(line)
            line = word
        lines.append(line)
        offset += len(paragraph) + 2
    return Typeset(_paginate(lines, starts, layout), source, breaks)


def _words(paragraph: str, offset: int) -> Iterator[tuple[int, str]]:
    for match in re.finditer(r"\S+", paragraph):
        yield offset + match.start(), match.group()


def _split_word(word: str, line: str, line_width: int) -> tuple[str, str, str]:
    """The longest head of ``word`` that still fits on ``line`` (with a hyphen added after a syllable)."""
    best = ("", word, "")
    room = line_width - advance(line + " ")
    for point, kind in _break_points(word):
        if len(word) - point < 2:
            continue
        head = word[:point] + ("-" if kind == "syllable" else "")
        if advance(head) <= room:
            best = (head, word[point:], kind)
    return best


def _paginate(lines: list[str], starts: list[tuple[int, int]], layout: Layout) -> str:
    """Lines into pages: paragraphs marked as the layout says, a form-feed line between pages, no blank
    line next to a page break (the furniture stage removes those)."""
    first_lines = {index for index, _ in starts[1:]}
    out: list[str] = []
    on_page = 0
    for index, line in enumerate(lines):
        if on_page >= layout.page_lines:
            while out and out[-1] == "":
                out.pop()
            out.append("\f")
            on_page = 0
        elif index in first_lines and layout.paragraphs == "blank":
            out.append("")
            on_page += 1
        out.append(line)
        on_page += 1
    return "\n".join(out) + "\n"


def skeleton_index(text: str) -> list[int]:
    """For each offset of ``text``, how many skeleton characters come before it (length ``len + 1``)."""
    counts = [0]
    total = 0
    for char in text:
        if not _SKELETON_DROP.match(char):
            total += 1
        counts.append(total)
    return counts


def between(text: str, index: list[int]) -> dict[int, str]:
    """What ``text`` holds between skeleton characters: skeleton index to the dropped characters before it."""
    gaps: dict[int, list[str]] = {}
    for offset, char in enumerate(text):
        if _SKELETON_DROP.match(char):
            gaps.setdefault(index[offset], []).append(char)
    return {key: "".join(chars) for key, chars in gaps.items()}


# Real text to typeset: human-corrected ground truth of OCR evaluation sets (see ../shared/eval/README.md).


def bln600_articles(path: Path) -> list[list[str]]:
    """BLN600 ground truth: each article's sentences (the first row is often its headline)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        [" ".join(row["Ground Truth"].split()) for row in group if row["Ground Truth"].strip()]
        for _, group in groupby(rows, key=lambda row: row["Sample ID"])
    ]


def paragraphs_from_articles(articles: list[list[str]], seed: int) -> list[str]:
    """Articles cut into paragraphs of two to six sentences; a short all-capitals first row is a heading."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    for sentences in articles:
        if sentences and sentences[0].isupper() and len(sentences[0]) < 60:
            paragraphs.append(sentences[0])
            sentences = sentences[1:]
        while sentences:
            size = rng.randint(2, 6)
            paragraphs.append(" ".join(sentences[:size]))
            sentences = sentences[size:]
    return paragraphs


def sample_paragraphs() -> list[str]:
    """The sample scan's paragraphs of three lines or more, lines joined (its line-end hyphens are all
    compounds: co-conspirators, so-called, Anglo-American); blocks with a line in capitals or
    not ending a sentence (headings, captions) are not running text."""
    raw = (Path(__file__).resolve().parent.parent / "raw" / "stalin-documents.txt").read_text(
        encoding="utf-8"
    )
    blocks = [block.split("\n") for block in raw.split("\n\n")]
    paragraphs = []
    for lines in blocks:
        lines = [line.strip() for line in lines if line.strip()]
        text = " ".join(lines).replace("- ", "-")
        if len(lines) >= 3 and text[-1] in '.!?"”' and not any(line.isupper() for line in lines):
            paragraphs.append(text)
    return paragraphs


def measure(paragraphs: list[str], layouts: tuple[Layout, ...], chunk: int = 40) -> dict[Layout, Tally]:
    """Typeset the paragraphs in each layout, in documents of ``chunk`` paragraphs, and score reflow."""
    tallies = {}
    for layout in layouts:
        tally = Tally()
        for start in range(0, len(paragraphs), chunk):
            typeset_text = typeset(paragraphs[start : start + chunk], layout)
            output = pipeline.clean(typeset_text.text, only=("reflow",)).text
            score_reflow(typeset_text, output, tally)
        tallies[layout] = tally
    return tallies


LAYOUTS = tuple(
    Layout(width, paragraphs, page_lines)
    for width in (55, 65, 75, 90)
    for paragraphs in ("blank", "indent")
    for page_lines in (38,)
)


@dataclass
class Tally:
    """Right decisions out of all, by kind of break."""

    right: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, ok: bool, example: str) -> None:
        self.total[kind] = self.total.get(kind, 0) + 1
        self.right[kind] = self.right.get(kind, 0) + ok
        if not ok:
            self.errors.append(f"{kind}: {example}")

    def share(self, *kinds: str) -> float:
        total = sum(self.total.get(kind, 0) for kind in kinds)
        return sum(self.right.get(kind, 0) for kind in kinds) / total if total else 1.0

    def count(self, *kinds: str) -> int:
        return sum(self.total.get(kind, 0) for kind in kinds)


def score_reflow(typeset_text: Typeset, output: str, tally: Tally) -> None:
    """Compare reflow's ``output`` with the truth of every break of ``typeset_text``.

    Word breaks (``syllable``, ``compound``) are right when the output has the source's form; line breaks
    inside a paragraph (``space``, ``dash``) when joined as the source has it; paragraph breaks when the
    output has a blank line there.
    """
    source_index = skeleton_index(typeset_text.source)
    output_index = skeleton_index(output)
    if output_index[-1] != source_index[-1]:
        raise AssertionError("reflow changed more than line breaks and hyphens")
    expected = between(typeset_text.source, source_index)
    found = between(output, output_index)
    source = typeset_text.source
    for item in typeset_text.breaks:
        at = source_index[item.source_offset]
        got, want = found.get(at, ""), expected.get(at, "")
        example = ""
        if got != want:
            offset = item.source_offset
            example = f"{source[max(0, offset - 40) : offset]}|{source[offset : offset + 25]!s}: got {got!r}"
        tally.add(item.kind, got == want, example)
