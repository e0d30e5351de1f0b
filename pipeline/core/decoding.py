"""Bytes to text, before a document exists: refuse what is not text, decode what is.

The decoded text is the raw text every change log points into; the BOM is kept in it so that the input
stage removes it as a logged edit.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from pipeline.core.errors import InputError

# Files that are plainly not scan text, by their first bytes.
_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"PK\x03\x04": "a ZIP archive (or a Word/ODF document)",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "a program",
}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    """Decoded text and how it was decoded, for the log header."""

    text: str
    encoding: str
    confidence: float


def decode(data: bytes, name: str) -> Decoded:
    """Decode a scan's bytes, or raise ``InputError`` saying why they are not a text scan.

    >>> decode("Москва".encode(), "x.txt")
    Decoded(text='Москва', encoding='utf-8', confidence=1.0)
    """
    if not data:
        raise InputError(f"{name}: the file is empty; there is nothing to clean")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(_decode_strictly(data, encoding, name), encoding, 1.0)
    refuse_binary(data, name)
    return Decoded(_decode_strictly(data, "utf-8", name), "utf-8", 1.0)


def refuse_binary(data: bytes, name: str) -> None:
    """Raise ``InputError`` for an image, a PDF, an archive or any file with NUL bytes."""
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{name}: this is {kind}, not text; run OCR on it first and clean the text")
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: binary data (NUL bytes at offset {data.index(0)}); not a text file")


def _decode_strictly(data: bytes, encoding: str, name: str) -> str:
    # Python's utf-16/utf-32 codecs drop the BOM; utf-8 keeps it as U+FEFF for the input stage to log.
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1]
        raise InputError(f"{name}: not valid {encoding.upper()} (byte {error.start}: {bad!r})") from None
