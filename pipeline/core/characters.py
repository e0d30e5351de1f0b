"""Character-level normalisation: line endings, BOM, control and zero-width characters, soft hyphens,
ligatures, full-width forms and NFC, as positioned edits.

The input stage proposes these edits for the whole text; the encoding stage runs the same fixes over
what its mojibake repairs produce, so that the output holds nothing the input stage would change and a
second run changes nothing. The character sets are ftfy's (``ftfy.chardata``) and the replacements
ftfy's fixers; ``rules/input.toml`` says which fixes run.

A soft hyphen (U+00AD) inside a line is removed. One at the end of a line, i.e. followed only by spaces
or tabs and then a line end (``\\n``, ``\\r``, ``\\f``) or the end of the text, is kept: it tells the
reflow stage that the word was hyphenated there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import ftfy.fixes
import regex
from ftfy.chardata import CONTROL_CHARS, LIGATURES, WIDTH_MAP

from pipeline.core.edits import Edit, splice
from pipeline.core.errors import RulesError
from pipeline.core.rules import RuleTable

# The order in which rules are named when one edit does the work of several (an NFC edit that also
# removes a zero-width character between a letter and its accent).
RULES = (
    "line-ending",
    "bom",
    "control-character",
    "zero-width",
    "soft-hyphen",
    "ligature",
    "full-width",
    "nfc",
)

SOFT_HYPHEN = "\xad"
# Letters, ASCII and spaces, between which a zero-width joiner or non-joiner has no use (unlike in Arabic,
# Persian, Indic scripts or emoji sequences, where it changes what is shown).
_JOINER_SAFE = r"[\p{Latin}\p{Cyrillic}\p{Greek}\x00-\x7f\s]"
# Characters NFC may change: combining marks, and characters whose NFC quick check is No or Maybe.
_NFC_AFFECTED = r"[\p{M}\p{NFC_QC=N}\p{NFC_QC=M}]"


@dataclass(frozen=True)
class CharacterFixes:
    """Which fixes run, from ``rules/input.toml``; the defaults are the shipped ones."""

    line_endings: bool = True
    bom: bool = True
    control_characters: bool = True
    zero_width: str = "\u200b\u2060\ufeff"
    joiners: str = "\u200c\u200d"
    soft_hyphens: bool = True
    ligatures: str = "ﬀﬁﬂﬃﬄﬅﬆ"
    full_width: bool = True
    nfc: bool = True

    @classmethod
    def from_table(cls, table: RuleTable) -> CharacterFixes:
        ligatures = "".join(table.strings("ligatures"))
        unknown = [char for char in ligatures if ord(char) not in LIGATURES]
        if unknown:
            raise RulesError(
                f"rules/input.toml: 'ligatures' holds {unknown[0]!r}, which ftfy does not expand; "
                f"choose from {''.join(chr(code) for code in LIGATURES)}"
            )
        return cls(
            line_endings=table.flag("line_endings"),
            bom=table.flag("bom"),
            control_characters=table.flag("control_characters"),
            zero_width="".join(table.strings("zero_width")),
            joiners="".join(table.strings("joiners")),
            soft_hyphens=table.flag("soft_hyphens"),
            ligatures=ligatures,
            full_width=table.flag("full_width"),
            nfc=table.flag("nfc"),
        )

    def edits(self, text: str) -> list[Edit]:
        """The edits that normalise ``text``, sorted and not overlapping.

        Only lines that hold a character some fix acts on (one plain character class over the whole
        text finds them), or that are not NFC, are looked at closely.

        >>> [(e.start, e.end, e.replacement, e.rule) for e in CharacterFixes().edits("\\ufeffﬁne\\r\\n")]
        [(0, 1, '', 'bom'), (1, 2, 'fi', 'ligature'), (4, 6, '\\n', 'line-ending')]
        """
        pattern = _pattern(self)
        candidates = _nfc_candidates(self) if self.nfc else None
        edits: list[Edit] = []
        for start, end in self._lines_to_fix(text):
            found = [
                Edit(match.start(), match.end(), _replacement(match.lastgroup, match.group()), _rule(match))
                for match in (pattern.finditer(text, start, end) if pattern is not None else ())
            ]
            if candidates is not None and candidates.search(text, start, end):
                found = _with_nfc(text, found, candidates.finditer(text, start, end))
            edits.extend(found)
        return edits

    def _lines_to_fix(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` of each line (with its newline) that some fix may change."""
        lines = set(lines_matching(_trigger(self), text))
        if self.nfc and not unicodedata.is_normalized("NFC", text):
            lines.update(
                (start, end)
                for start, end in _line_spans(text)
                if not unicodedata.is_normalized("NFC", text[start:end])
            )
        return sorted(lines)

    def normalise(self, text: str) -> str:
        """``text`` with every edit applied.

        >>> CharacterFixes().normalise("Ｃａｆe\\u0301\\u200b")
        'Café'
        """
        return splice(text, [(edit.start, edit.end, edit.replacement) for edit in self.edits(text)])


def _rule(match: regex.Match[str]) -> str:
    return (match.lastgroup or "").replace("_", "-")


def _replacement(group: str | None, found: str) -> str:
    if group == "line_ending":
        return "\n"
    if group == "ligature":
        return ftfy.fixes.fix_latin_ligatures(found)
    if group == "full_width":
        return ftfy.fixes.fix_character_width(found)
    return ""


def _class(chars: str | list[int]) -> str:
    """A regex character class for these characters (or code points)."""
    text = chars if isinstance(chars, str) else "".join(chr(code) for code in chars)
    return "[" + "".join(regex.escape(char) for char in sorted(set(text))) + "]"


@lru_cache(maxsize=16)
def _pattern(fixes: CharacterFixes) -> regex.Pattern[str] | None:
    """One compiled pattern for every per-character fix that is on: one pass over the text."""
    branches = []
    if fixes.line_endings:
        branches.append(r"(?P<line_ending>\r\n?)")
    if fixes.bom:
        branches.append(r"(?P<bom>\A\ufeff)")
    if fixes.control_characters:
        branches.append(f"(?P<control_character>{_class([c for c in CONTROL_CHARS if c != 0xFEFF])}+)")
    if fixes.zero_width:
        branches.append(f"(?P<zero_width>{_class(fixes.zero_width)}+)")
    if fixes.joiners:
        # Judged past the characters that are removed anyway, so that a second run judges alike.
        # Full-width forms count as what they become; accents count as the letter they sit on.
        joiners, removed = _class(fixes.joiners), _class(_removed(fixes))
        safe = f"(?:{_JOINER_SAFE}|{_class(list(WIDTH_MAP))})" if fixes.full_width else _JOINER_SAFE
        before, after = f"(?:{safe}|^)(?:\\p{{M}}|{removed})*", f"{removed}*(?:{safe}|$)"
        branches.append(f"(?P<zero_width>(?<={before}){joiners}+(?={after}))")
    if fixes.soft_hyphens:
        branches.append(r"(?P<soft_hyphen>\xad(?![ \t]*(?:[\r\n\f]|\Z)))")
    if fixes.ligatures:
        branches.append(f"(?P<ligature>{_class(fixes.ligatures)})")
    if fixes.full_width:
        branches.append(f"(?P<full_width>{_class(list(WIDTH_MAP))}+)")
    if not branches:
        return None
    return regex.compile("|".join(branches), regex.MULTILINE)


@lru_cache(maxsize=16)
def _nfc_candidates(fixes: CharacterFixes) -> regex.Pattern[str]:
    """A starter, then combining or NFC-affected characters, with removed characters in between."""
    removed = _removed(fixes)
    between = f"{_class(removed)}*" if removed else ""
    return regex.compile(f"(?s:.)?(?:{between}{_NFC_AFFECTED})+")


@lru_cache(maxsize=16)
def _trigger(fixes: CharacterFixes) -> re.Pattern[str]:
    """Every character a per-character fix acts on, as one plain class: the cheap first look."""
    chars = "".join(
        [
            "\r" if fixes.line_endings else "",
            "\ufeff" if fixes.bom else "",
            _removed(fixes),
            fixes.ligatures,
            "".join(chr(code) for code in WIDTH_MAP) if fixes.full_width else "",
        ]
    )
    return re.compile(f"[{re.escape(''.join(sorted(set(chars))))}]" if chars else "(?!)")


def lines_matching(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line (with its newline) where ``pattern`` matches.

    >>> list(lines_matching(re.compile("x"), "ab\\nxx\\ncd"))
    [(3, 6)]
    """
    match = pattern.search(text)
    while match:
        start, end = line_at(text, match.start(), match.end())
        yield start, end
        match = pattern.search(text, end)


def line_at(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """``(start, end)`` of the line(s), with the newline, that ``text[start:end]`` lies on."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start if end is None else end)
    return line_start, len(text) if line_end == -1 else line_end + 1


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end + 1
        yield start, end
        start = end


def _removed(fixes: CharacterFixes) -> str:
    """Every character some fix removes."""
    return "".join(
        [
            "".join(chr(code) for code in CONTROL_CHARS) if fixes.control_characters else "",
            fixes.zero_width,
            fixes.joiners,
            SOFT_HYPHEN if fixes.soft_hyphens else "",
        ]
    )


def _with_nfc(text: str, edits: list[Edit], candidates: Iterator[regex.Match[str]]) -> list[Edit]:
    """Add NFC edits; where one meets per-character edits, they become one edit named after all."""
    result: list[Edit] = []
    index = 0
    done = 0
    for match in candidates:
        start, end = match.span()
        if start < done:  # inside the span of the last edit, which widened over an earlier change
            continue
        while index < len(edits) and edits[index].end <= start:
            result.append(edits[index])
            index += 1
        inner: list[Edit] = []
        while index < len(edits) and edits[index].start < end:
            inner.append(edits[index])
            start = min(start, edits[index].start)
            end = max(end, edits[index].end)
            index += 1
        done = end
        fixed = splice(text[start:end], [(e.start - start, e.end - start, e.replacement) for e in inner])
        composed = unicodedata.normalize("NFC", fixed)
        if composed == fixed:
            result.extend(inner)
            continue
        names = {edit.rule for edit in inner} | {"nfc"}
        start, end, composed = _trimmed(text, start, end, composed)
        result.append(Edit(start, end, composed, "+".join(name for name in RULES if name in names)))
    result.extend(edits[index:])
    return result


def _trimmed(text: str, start: int, end: int, replacement: str) -> tuple[int, int, str]:
    """The edit of ``text[start:end]`` into ``replacement`` without the ends they share: an NFC edit
    covers only what it changes, so that a later stage's repair next to it (``\\x9d`` before the ohm
    sign in ``\\x9d\\u0301\\u2126``) does not cut into it.

    >>> _trimmed("x\\x9d\\u0301\\u2126y", 1, 4, "\\x9d\\u0301\\u03a9")
    (3, 4, 'Ω')
    """
    before = text[start:end]
    shared = 0
    limit = min(len(before), len(replacement))
    while shared < limit and before[shared] == replacement[shared]:
        shared += 1
    tail = 0
    while tail < limit - shared and before[-1 - tail] == replacement[-1 - tail]:
        tail += 1
    return start + shared, end - tail, replacement[shared : len(replacement) - tail]
