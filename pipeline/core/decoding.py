"""Bytes to text, before a document exists: refuse what is not text, decode what is.

The decoded text is the raw text every change log points into; the BOM is kept in it so that the input
stage removes it as a logged edit.

Order of decisions: an empty file, a known binary format (magic bytes), a BOM (UTF-32, UTF-8, UTF-16),
NUL bytes or many control bytes, valid UTF-8, and only then a legacy single-byte encoding. Legacy
detection asks charset-normalizer which of the candidate encodings (``rules/encoding.toml``) read as
plausible text, then breaks its frequent ties (short Russian texts read plausibly in cp1251, koi8-r and
mac-cyrillic alike) by how many of the decoded non-ASCII words wordfreq knows.
"""

from __future__ import annotations

import codecs
from collections import Counter
from dataclasses import dataclass
from typing import Any

import charset_normalizer
import regex

from pipeline.core.errors import InputError, RulesError
from pipeline.core.lexicon import zipf
from pipeline.core.rules import RuleTable

# Files that are plainly not scan text, by their first bytes.
_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"AT&TFORM": "a DjVu document",
    b"\x00\x00\x00\x0cjP  ": "a JPEG 2000 image",
    b"PK\x03\x04": "a ZIP archive (or a Word/ODF document)",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Word/Excel document",
    b"{\\rtf": "an RTF document",
    b"\x1f\x8b": "a gzip archive",
    b"\xfd7zXZ\x00": "an xz archive",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"Rar!\x1a\x07": "a RAR archive",
    b"\x7fELF": "a program",
}
# RIFF containers say what they hold at offset 8.
_RIFF_KINDS = {b"WEBP": "a WebP image", b"WAVE": "a WAV sound file", b"AVI ": "an AVI video"}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# C0 control bytes that text files do not hold: all but tab, LF, VT, FF, CR, SUB (a DOS end-of-file
# mark) and ESC (terminal colour codes in captured output).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\x0b\x0c\r\x1a\x1b") + b"\x7f"

# A word with at least one non-ASCII letter: where single-byte encodings read the same bytes differently.
_NON_ASCII_WORD = regex.compile(r"\p{L}*[^\x00-\x7f\P{L}]\p{L}*")
# How words are cased: ``слово``, ``Слово``, ``СЛОВО`` (and letters without case, as in Hebrew).
_WELL_CASED = regex.compile(r"\p{Lu}?[\p{Ll}\p{Lo}]+|[\p{Lu}\p{Lo}]+")

# How much of a large file the word check reads: enough words to decide, little time.
_SAMPLE_BYTES = 256_000
_MOST_COMMON_WORDS = 2_000


@dataclass(frozen=True)
class Decoded:
    """Decoded text and how it was decoded, for the log header.

    ``method`` is ``bom``, ``utf-8``, ``detected`` (a legacy encoding chosen by detection) or
    ``forced`` (named in ``rules/encoding.toml: decoding.encoding``).
    """

    text: str
    encoding: str
    confidence: float
    method: str = "utf-8"

    def describe(self) -> dict[str, Any]:
        """The decoding decision as the log header records it."""
        return {"encoding": self.encoding, "confidence": self.confidence, "method": self.method}


@dataclass(frozen=True)
class DecodingRules:
    """What ``rules/encoding.toml: [decoding]`` says; the defaults are the shipped ones."""

    encoding: str = "auto"
    candidates: tuple[str, ...] = ("cp1252", "cp1251", "koi8-r", "mac-cyrillic", "latin-1")
    languages: tuple[str, ...] = ("en", "ru")
    word_zipf_offset: float = 2.0
    min_confidence: float = 0.3
    chaos_margin: float = 0.1
    max_control_share: float = 0.02

    @classmethod
    def from_table(cls, table: RuleTable) -> DecodingRules:
        decoding = table.table("decoding")
        rules = cls(
            encoding=decoding.text("encoding"),
            candidates=decoding.strings("candidates"),
            languages=decoding.strings("languages"),
            word_zipf_offset=decoding.number("word_zipf_offset", low=0, high=8),
            min_confidence=decoding.number("min_confidence", low=0, high=1),
            chaos_margin=decoding.number("chaos_margin", low=0, high=1),
            max_control_share=decoding.number("max_control_share", low=0, high=1),
        )
        for name in (*rules.candidates, *([] if rules.encoding == "auto" else [rules.encoding])):
            try:
                codecs.lookup(name)
            except LookupError:
                key = "candidates" if name in rules.candidates else "encoding"
                raise RulesError(
                    f"rules/encoding.toml: 'decoding.{key}' names {name!r}, which is not an encoding "
                    "Python knows"
                ) from None
        return rules


def decode(data: bytes, name: str, rules: DecodingRules | None = None) -> Decoded:
    """Decode a scan's bytes, or raise ``InputError`` saying why they are not a text scan.

    >>> decode("Москва".encode(), "x.txt")
    Decoded(text='Москва', encoding='utf-8', confidence=1.0, method='utf-8')
    >>> decode("Москва".encode("koi8-r"), "x.txt").encoding
    'koi8-r'
    """
    rules = rules or DecodingRules()
    if not data:
        raise InputError(f"{name}: the file is empty; there is nothing to clean")
    refuse_known_formats(data, name)
    if rules.encoding != "auto":
        return Decoded(
            _decode_strictly(data, rules.encoding, name), _canonical(rules.encoding), 1.0, "forced"
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(_decode_strictly(data, encoding, name), encoding, 1.0, "bom")
    refuse_binary(data, name, rules.max_control_share)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 1.0, "utf-8")
    except UnicodeDecodeError:
        return detect_legacy(data, name, rules)


def refuse_known_formats(data: bytes, name: str) -> None:
    """Raise ``InputError`` for an image, a PDF, a DjVu, an office document, an archive or a program."""
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{name}: this is {kind}, not text; run OCR on it first and clean the text")
    if data.startswith(b"RIFF") and data[8:12] in _RIFF_KINDS:
        kind = _RIFF_KINDS[data[8:12]]
        raise InputError(f"{name}: this is {kind}, not text; run OCR on it first and clean the text")


def refuse_binary(data: bytes, name: str, max_control_share: float = 0.02) -> None:
    """Raise ``InputError`` for NUL bytes or a share of control bytes no text file has.

    >>> refuse_binary(b"text\\x00", "x.txt")
    Traceback (most recent call last):
    pipeline.core.errors.InputError: x.txt: binary data (NUL bytes at offset 4); not a text file
    """
    if b"\x00" in data:
        raise InputError(f"{name}: binary data (NUL bytes at offset {data.index(0)}); not a text file")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > max(2, max_control_share * len(data)):
        raise InputError(
            f"{name}: binary data ({controls} control bytes in {len(data)}); not a text file "
            "(raise --set encoding.decoding.max_control_share=N if it is text)"
        )


def detect_legacy(data: bytes, name: str, rules: DecodingRules) -> Decoded:
    """Choose among the candidate single-byte encodings; refuse when no choice is convincing.

    charset-normalizer keeps the candidates that read as plausible text (least chaos); among those
    within ``chaos_margin`` of the best, the one whose non-ASCII words wordfreq knows best wins, then
    the least chaotic, then the first in ``candidates``.
    """
    sample = _sample(data)
    order = {_canonical(candidate): rank for rank, candidate in enumerate(rules.candidates)}
    readings = {}
    for candidate in order:
        try:
            data.decode(candidate)  # the whole file, not only the sample, must read in it
        except UnicodeDecodeError:
            continue
        readings[candidate] = sample.decode(candidate)
    if not readings:
        raise InputError(
            f"{name}: not UTF-8 and not any of {', '.join(rules.candidates)}; name the encoding with "
            "--set encoding.decoding.encoding=NAME"
        )
    chaos = _chaos_by_encoding(sample, tuple(readings))
    best_chaos = min(chaos.values(), default=1.0)  # none plausible: judge all by words
    plausible = [enc for enc in readings if chaos.get(enc, 1.0) <= best_chaos + rules.chaos_margin]
    scores = {enc: _word_score(readings[enc], rules) for enc in plausible}
    chosen = min(plausible, key=lambda enc: (-scores[enc][0], chaos.get(enc, 1.0), order[enc]))
    known, unknown = scores[chosen][1:]
    confidence = known / (known + unknown) if known + unknown else 1.0 - chaos.get(chosen, 0.0)
    if confidence < rules.min_confidence:
        raise InputError(
            f"{name}: not UTF-8, and its encoding is unclear (best guess {chosen}, confidence "
            f"{confidence:.2f}); name it with --set encoding.decoding.encoding=NAME"
        )
    return Decoded(data.decode(chosen), chosen, round(confidence, 4), "detected")


def _word_score(text: str, rules: DecodingRules) -> tuple[float, int, int]:
    """``(score, known, unknown)`` over the words with a non-ASCII letter, counted by use.

    A right reading turns the non-ASCII bytes into frequent words; a wrong one into unknown letter
    strings (``жемрпюкэмши``), words cased like no word is (``докладнаЯ``: mac-cyrillic ``я`` is
    cp1251 ``Я``) or rare fragments (``овершенно`` from ``‘овершенно``), while non-letters (``£``,
    ``—``) count for neither. The score adds each word's Zipf frequency (0 if oddly cased) less
    ``word_zipf_offset``, so frequent words outweigh rare ones. One-letter words are left out: a wrong
    reading makes plausible ones (``Ј`` for ``£``). ``known`` words are well cased and in wordfreq.
    """
    words = Counter(word for word in _NON_ASCII_WORD.findall(text) if len(word) > 1)
    score = 0.0
    known = unknown = 0
    for word, count in words.most_common(_MOST_COMMON_WORDS):
        frequency = (
            max(zipf(word, language) for language in rules.languages) if _WELL_CASED.fullmatch(word) else 0.0
        )
        score += count * (frequency - rules.word_zipf_offset)
        if frequency > 0:
            known += count
        else:
            unknown += count
    return score, known, unknown


def _chaos_by_encoding(sample: bytes, encodings: tuple[str, ...]) -> dict[str, float]:
    """charset-normalizer's chaos (0 is clean text) for each candidate it did not rule out."""
    matches = charset_normalizer.from_bytes(sample, cp_isolation=list(encodings))
    return {_canonical(match.encoding): match.chaos for match in matches if _known_codec(match.encoding)}


def _sample(data: bytes) -> bytes:
    """The start of a large file, cut at a line end so no character is split."""
    if len(data) <= _SAMPLE_BYTES:
        return data
    cut = data.rfind(b"\n", 0, _SAMPLE_BYTES)
    return data[: cut + 1] if cut > 0 else data[:_SAMPLE_BYTES]


def _known_codec(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _canonical(encoding: str) -> str:
    """One name per codec (``koi8_r`` and ``KOI8-R`` are ``koi8-r``; ``latin-1`` is ``iso8859-1``)."""
    return codecs.lookup(encoding).name


def _decode_strictly(data: bytes, encoding: str, name: str) -> str:
    # Python's utf-16/utf-32 codecs drop the BOM; utf-8 keeps it as U+FEFF for the input stage to log.
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1]
        raise InputError(f"{name}: not valid {encoding.upper()} (byte {error.start}: {bad!r})") from None
