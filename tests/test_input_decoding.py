"""Decoding a scan's bytes: BOMs, UTF-8, legacy single-byte encodings, and refusing what is not text."""

from __future__ import annotations

import codecs
import re

import pytest

from pipeline.core.decoding import DecodingRules, decode
from pipeline.core.errors import InputError, RulesError
from pipeline.core.rules import RuleTable
from pipeline.core.settings import Settings

# Short Russian texts, the kind detectors get wrong: headings, names, a file's first line.
SHORT_RUSSIAN = [
    "Москва",
    "Совершенно секретно",
    "ЦЕНТРАЛЬНЫЙ КОМИТЕТ ВКП(б)",
    "Тов. Сталину.",
    "Особая папка",
    "Жданов, Косиор",
    "ОГПУ",
    "Юрий",
    "Ёлка",
    "Съезд",
    "Докладная записка",
    "Выписка из протокола",
    "Слушали: о хлебозаготовках. Постановили: утвердить.",
    "Всем членам Политбюро",
    "Записка Ежова",
    "Чубарь",
]
LEGACY_CYRILLIC = ["cp1251", "koi8-r", "mac-cyrillic"]


@pytest.mark.parametrize("encoding", LEGACY_CYRILLIC)
@pytest.mark.parametrize("text", SHORT_RUSSIAN)
def test_short_russian_texts_are_read_in_their_encoding(text: str, encoding: str) -> None:
    decoded = decode(text.encode(encoding), "scan.txt")
    assert (decoded.text, decoded.method) == (text, "detected")


@pytest.mark.parametrize("case", [str.upper, str.lower])
@pytest.mark.parametrize("encoding", LEGACY_CYRILLIC)
def test_all_caps_and_lowercase_russian_lines(case: object, encoding: str) -> None:
    text = case("Протокол заседания Политбюро ЦК ВКП(б) о работе наркомата путей сообщения")  # type: ignore[operator]
    assert decode(text.encode(encoding), "scan.txt").text == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("“Pravda” fell flat — the Zinovievites’ platform, naïve and passé.", "cp1252"),
        ("Price: 5 £ — “quoted”", "cp1252"),
        ("Le café de la gare, à côté de l’hôtel.", "cp1252"),
        ("Über die Lage in der Sowjetunion, März 1937", "latin-1"),
    ],
)
def test_western_european_texts(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding), "scan.txt").text == text


def test_a_byte_past_the_sample_that_cp1252_lacks_makes_it_latin1() -> None:
    # 0x81 is undefined in cp1252; far into a large file, it still rules cp1252 out.
    data = "Le café de la gare, à côté de l’hôtel.\n".encode("cp1252") * 20_000 + b"\x81\n"
    assert decode(data, "scan.txt").encoding == "iso8859-1"


def test_the_decision_and_its_confidence_go_to_the_header() -> None:
    decoded = decode("Совершенно секретно. Тов. Сталину.".encode("koi8-r"), "scan.txt")
    assert decoded.describe() == {"encoding": "koi8-r", "confidence": 1.0, "method": "detected"}


def test_utf8_is_read_directly_and_keeps_its_bom_for_the_input_stage() -> None:
    assert decode(codecs.BOM_UTF8 + "Москва".encode(), "x").text == "\ufeffМосква"
    assert decode("Москва".encode(), "x").describe() == {
        "encoding": "utf-8",
        "confidence": 1.0,
        "method": "utf-8",
    }


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_utf16_and_utf32_with_a_bom(bom: bytes, codec: str) -> None:
    decoded = decode(bom + "Тов. Сталину.\n".encode(codec), "x")
    assert (decoded.text, decoded.method) == ("Тов. Сталину.\n", "bom")


def test_an_encoding_named_in_the_rules_is_used_without_detection() -> None:
    rules = DecodingRules(encoding="mac-cyrillic")
    decoded = decode("яков".encode("mac-cyrillic"), "x", rules)
    assert (decoded.text, decoded.encoding, decoded.method) == ("яков", "mac-cyrillic", "forced")


def test_rules_are_read_from_rules_encoding_toml_and_checked() -> None:
    rules = DecodingRules.from_table(Settings().rules("encoding"))
    assert rules == DecodingRules()
    with pytest.raises(RulesError, match=re.escape("'decoding.encoding' names 'klingon'")):
        DecodingRules.from_table(RuleTable("encoding", {"decoding": {**_shipped(), "encoding": "klingon"}}))


def _shipped() -> dict[str, object]:
    return dict(Settings().rules("encoding").data["decoding"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "this is a PDF document"),
        (b"\x89PNG\r\n\x1a\n....", "this is a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "this is a JPEG image"),
        (b"II*\x00\x08\x00\x00\x00", "this is a TIFF image"),
        (b"AT&TFORM\x00\x00\x00\x00DJVM", "this is a DjVu document"),
        (b"PK\x03\x04\x14\x00", "this is a ZIP archive"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "this is a WebP image"),
        (b"{\\rtf1\\ansi Hello}", "this is an RTF document"),
        (b"\x1f\x8b\x08\x00", "this is a gzip archive"),
        (b"text\x00more", "NUL bytes at offset 4"),
        (bytes(range(1, 9)) * 20 + b"some text", "control bytes"),
    ],
)
def test_what_is_not_text_is_refused_with_the_file_named(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as error:
        decode(data, "scan.txt")
    assert str(error.value).startswith("scan.txt: ")


def test_a_few_stray_control_bytes_do_not_make_a_file_binary() -> None:
    text = "Pravda fell flat on its face.\x07 And \x1b[1mbold\x1b[0m text, \x1a\n" * 3
    assert decode(text.encode(), "x").text == text


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(InputError, match="the file is empty"):
        decode(b"", "scan.txt")


def test_bytes_that_read_as_nothing_plausible_are_refused_with_what_to_do() -> None:
    # Random-looking high bytes: every candidate reads them as a jumble of letters.
    data = bytes((37 * i) % 128 + 128 for i in range(400))
    with pytest.raises(InputError, match=re.escape("--set encoding.decoding.encoding=NAME")):
        decode(data, "scan.txt")
