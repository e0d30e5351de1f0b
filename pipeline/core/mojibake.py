"""Finding and repairing mojibake with ftfy, cheaply: shared by the input stage (which leaves mojibake
alone for the encoding stage) and the encoding stage (which repairs it).

ftfy judges text line by line, as ``ftfy.fix_text`` does. Most lines of a scan are never shown to ftfy:
every pattern of ftfy's badness check needs one of a few hundred characters next to another non-ASCII
character (or one of a handful alone), and one compiled regex over the whole text finds the lines that
have such a pair. Only they go through ftfy's badness check, and only lines it flags are repaired.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import ftfy
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES
from rapidfuzz.distance import Indel

from pipeline.core.characters import lines_matching
from pipeline.core.rules import RuleTable

# Letters of the basic Cyrillic and Greek alphabets: see ``_characters_badness_needs``.
_BASIC_CYRILLIC_AND_GREEK = "Ёё" + "".join(
    chr(code)
    for first, last in ((0x410, 0x44F), (0x391, 0x3A9), (0x3B1, 0x3C9))
    for code in range(first, last + 1)
)


def _characters_badness_needs() -> str:
    """Every character ftfy's badness check can match on, less the common ones that never match alone.

    Each alternative of ``BADNESS_RE`` needs at least one character from its categories or its
    literals other than the "common" ones (no-break space, dashes, ``’``, ...), which count only next
    to others; so a line without any of these characters is never bad.
    """
    chars: set[str] = {char for char in BADNESS_RE.pattern if ord(char) > 0x7F}
    for name, members in MOJIBAKE_CATEGORIES.items():
        if name != "common":
            chars.update(_expand_ranges(members))
    chars -= set(MOJIBAKE_CATEGORIES["common"])
    # The letters of the basic Cyrillic and Greek alphabets (``В``, ``Р``, ``С``) count only next to one
    # of the other characters (``вЂ``, ``Р°Р``), which are needed anyway: Russian text is not flagged line
    # by line.
    chars -= set(_BASIC_CYRILLIC_AND_GREEK)
    return "".join(sorted(chars))


def _expand_ranges(members: str) -> set[str]:
    """``"a-cx"`` as ``{"a", "b", "c", "x"}``, as a regex character class reads it."""
    chars: set[str] = set()
    index = 0
    while index < len(members):
        if index + 2 < len(members) and members[index + 1] == "-":
            chars.update(chr(code) for code in range(ord(members[index]), ord(members[index + 2]) + 1))
            index += 3
        else:
            chars.add(members[index])
            index += 1
    return chars


# Characters that ftfy's badness check flags on their own, with ASCII around them: C1 controls, and
# ``Ã``, ``Â``, ``Œ``, ``œ`` before a space or punctuation.
_BAD_ALONE = "".join(chr(code) for code in range(0x80, 0xA0)) + "ÃÂŒœ"
_NEEDED = re.escape(_characters_badness_needs())

# The cheap check: a line without one of these is not mojibake. Every other pattern of the badness
# check holds a needed character beside another non-ASCII one. Written to start with one plain
# character class, which the regex engine scans for quickly: a non-ASCII character that is bad alone,
# or is needed and followed by a non-ASCII one, or is followed by a needed one.
SUSPICIOUS = re.compile(
    f"[^\\x00-\\x7f](?:(?<=[{re.escape(_BAD_ALONE)}])|(?<=[{_NEEDED}])[^\\x00-\\x7f]|(?=[{_NEEDED}]))"
)

# The longest text one alternative of ftfy's badness check matches (``ГўВЂВ.x``, 7 characters) and a
# character more: a window this wide either side of a suspicious character holds every match it is in.
BADNESS_REACH = 8

# How often ftfy and the normalisation may take turns on one line; two settle every case seen.
_MAX_ROUNDS = 4


@dataclass(frozen=True)
class Repair:
    """ftfy's repair of one line: where the line starts, the line before and after, and ftfy's steps."""

    start: int
    before: str
    after: str
    steps: tuple[tuple[str, str], ...]

    @property
    def rule(self) -> str:
        return rule_name(self.steps)

    def spans(self) -> Iterator[tuple[int, int, str]]:
        """The repair as minimal ``(start, end, replacement)`` spans of the whole text."""
        for start, end, replacement in changed_spans(self.before, self.after):
            yield self.start + start, self.start + end, replacement


def repair_config(table: RuleTable) -> ftfy.TextFixerConfig:
    """ftfy's settings from ``rules/encoding.toml: [repair]``: only mojibake repair and its sub-fixes.

    Everything that overlaps another stage is off: ligatures, width, line breaks, control characters,
    surrogates and NFC (input), quotes (typography), HTML entities and terminal escapes (not scan text).
    """
    repair = table.table("repair")
    return ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=repair.flag("enabled"),
        restore_byte_a0=repair.flag("restore_byte_a0"),
        replace_lossy_sequences=repair.flag("replace_lossy_sequences"),
        decode_inconsistent_utf8=repair.flag("decode_inconsistent_utf8"),
        fix_c1_controls=repair.flag("fix_c1_controls"),
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )


def suspicious_lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line (with its newline) that ftfy's badness check calls mojibake.

    >>> list(suspicious_lines("fine line\\nHÃ´tel de Police\\nçà va, café\\n"))
    [(10, 27)]
    """
    for start, end in lines_matching(SUSPICIOUS, text):
        if looks_bad(text[start:end]):
            yield start, end


def looks_bad(line: str) -> bool:
    """ftfy's ``is_bad(line)``, with the badness check read only round the suspicious characters.

    Every match of the check holds a suspicious character, so the answer is ftfy's; but a scan line of
    half a million characters with a few accents costs a few short searches, not a search of the line.

    >>> looks_bad("café " * 1000 + "HÃ´tel"), looks_bad("café " * 1000)
    (True, False)
    """
    for match in SUSPICIOUS.finditer(line):
        if BADNESS_RE.search(line, max(0, match.start() - BADNESS_REACH), match.end() + BADNESS_REACH):
            return True
    return False


def find_repairs(
    text: str,
    config: ftfy.TextFixerConfig,
    normalise: Callable[[str], str] | None = None,
    lines: Iterable[tuple[int, int]] | None = None,
) -> Iterator[Repair]:
    """ftfy's repair of every suspicious line (or of ``lines``) that it changes.

    ``normalise`` is applied to each repair ftfy makes, and ftfy runs again until it changes nothing:
    a normalised repair (``Ω`` for the ohm sign) can be text ftfy reads differently, and a second run
    of the pipeline must change nothing.

    >>> config = ftfy.TextFixerConfig(uncurl_quotes=False)
    >>> [(r.before, r.after, r.rule) for r in find_repairs("ok\\nHÃ´tel\\n", config)]
    [('HÃ´tel\\n', 'Hôtel\\n', 'latin-1->utf-8')]
    """
    if not config.fix_encoding:
        return
    for start, end in suspicious_lines(text) if lines is None else lines:
        line = text[start:end]
        fixed, steps = line, []
        for _ in range(_MAX_ROUNDS):
            repaired, more = ftfy.fix_encoding_and_explain(fixed, config)
            if repaired == fixed:
                break
            fixed = normalise(repaired) if normalise is not None else repaired
            steps.extend((step[0], step[1]) for step in more or ())
        if fixed != line:
            yield Repair(start, line, fixed, tuple(steps))


def rule_name(steps: tuple[tuple[str, str], ...]) -> str:
    """The change log's rule for ftfy's explanation: each ``encode X``/``decode Y`` pair is ``X->Y``,
    a ``transcode``/``apply`` step is its fixer's name with dashes, joined by ``+`` in ftfy's order.

    >>> rule_name((("encode", "sloppy-windows-1252"), ("decode", "utf-8")))
    'sloppy-windows-1252->utf-8'
    >>> rule_name((("encode", "latin-1"), ("transcode", "restore_byte_a0"), ("decode", "utf-8")))
    'latin-1->utf-8+restore-byte-a0'
    >>> rule_name((("apply", "decode_inconsistent_utf8"),))
    'decode-inconsistent-utf8'
    """
    parts: list[str] = []
    fixers: list[str] = []
    source = ""
    for action, argument in steps:
        if action == "encode":
            source = argument
        elif action == "decode":
            parts.extend([f"{source}->{argument}", *fixers])
            fixers = []
        else:
            fixers.append(argument.replace("_", "-"))
    return "+".join([*parts, *fixers]) or "unchanged"


def changed_spans(before: str, after: str) -> list[tuple[int, int, str]]:
    """The differences of two strings as minimal ``(start, end, replacement)`` spans of ``before``:
    rapidfuzz's alignment (longest common subsequence), adjacent deletions and insertions as one span.

    >>> changed_spans("HÃ´tel de Police", "Hôtel de Police")
    [(1, 3, 'ô')]
    >>> changed_spans("Ã©tÃ©", "été")
    [(0, 2, 'é'), (3, 5, 'é')]
    """
    spans: list[tuple[int, int, int, int]] = []
    for opcode in Indel.opcodes(before, after):
        if opcode.tag == "equal":
            continue
        if spans and spans[-1][1] == opcode.src_start and spans[-1][3] == opcode.dest_start:
            start, _, dest_start, _ = spans.pop()
            spans.append((start, opcode.src_end, dest_start, opcode.dest_end))
        else:
            spans.append((opcode.src_start, opcode.src_end, opcode.dest_start, opcode.dest_end))
    return [(start, end, after[dest_start:dest_end]) for start, end, dest_start, dest_end in spans]
