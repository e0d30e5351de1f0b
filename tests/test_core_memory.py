"""The compact stores of the core give what the plain structures they replace give."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import regex
import wordfreq
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.change_store import ChangeStore
from pipeline.core.disk_cache import load_or_build
from pipeline.core.edits import Change
from pipeline.core.large_text import count_matches, line_pieces
from pipeline.core.lexicon import common_zipf, word_frequencies, zipf

SAMPLE = Path(__file__).resolve().parent.parent / "raw" / "stalin-documents.txt"
# Words of every shape the stages ask about: capitals, digits, apostrophes, other scripts, run-together.
TRICKY = ["the", "The", "THE", "tbe", "1937", "11th", "l'eau", "don't", "Москва", "naïve", "ofthe", "", "a|b"]


def test_zipf_is_wordfreqs_for_every_word_of_the_sample() -> None:
    words = set(regex.findall(r"[\p{L}\p{N}|]+(?:['’]\p{L}+)*", SAMPLE.read_text(encoding="utf-8")))
    words |= {word.lower() for word in words} | set(TRICKY)
    for language in ("en", "ru"):
        table = word_frequencies(language)
        assert [table.zipf(w) for w in sorted(words)] == [
            wordfreq.zipf_frequency(w, language) for w in sorted(words)
        ]


def test_common_words_of_another_language_are_exact_at_the_floor_and_zero_below() -> None:
    words = ["sont", "est", "chaussette", "londres", "the", "l'homme", "1937", "tbe", *TRICKY]
    for language in ("fr", "de"):
        for word in words:
            full = wordfreq.zipf_frequency(word, language)
            assert common_zipf(word, language, 3.5) == (full if full >= 3.5 else 0.0)
    assert len(word_frequencies("fr", 3.5).bands) < len(word_frequencies("fr").bands) / 10
    assert zipf("the") == wordfreq.zipf_frequency("the", "en")


def change(index: int, **fields: object) -> Change:
    values = {
        "id": f"{index:012x}",
        "stage": "ocr",
        "rule": "ocr/x",
        "at": index,
        "raw_start": index,
        "raw_end": index + 1,
        "before": "l",
        "after": "I",
        "confidence": 0.9,
        "applied": bool(index % 2),
        "note": "",
        "line": 1,
        "page": 1,
    }
    values.update(fields)
    return Change(**values)  # type: ignore[arg-type]


def test_the_change_store_gives_back_what_it_was_given() -> None:
    given_changes = [
        change(0),
        change(1, id="abcdef012345-2", confidence=1, stage="typography", rule="typography/quote"),
        change(2, id="not-a-digest", note="kept as it came"),
        change(3, id="ABCDEF012345", before="", after="x" * 300, line=10**12),
    ]
    store = ChangeStore()
    for item in given_changes:
        store.append(item)
    assert (
        list(store) == given_changes and store[-1] == given_changes[-1] and store[1:3] == given_changes[1:3]
    )
    assert type(store[1].confidence) is int  # the log writes 1, not 1.0, as the stage gave it
    assert store.view(1) == given_changes[1:]
    store.truncate(2)
    assert list(store) == given_changes[:2]
    store.append(given_changes[3])
    assert list(store) == [*given_changes[:2], given_changes[3]]


def test_a_cached_value_is_built_once_and_a_damaged_file_is_built_again(tmp_path: Path) -> None:
    built = []

    def build() -> dict[str, object]:
        built.append(1)
        return {"b": [1, 2], "a": ("x", b"\x00")}

    first = load_or_build("table", ("key", 1), build, tmp_path)
    again = load_or_build("table", ("key", 1), build, tmp_path)
    assert first == again and list(again) == ["b", "a"] and len(built) == 1
    (cached,) = tmp_path.iterdir()
    cached.write_bytes(cached.read_bytes()[:5])
    assert load_or_build("table", ("key", 1), build, tmp_path) == first and len(built) == 2
    assert load_or_build("table", ("key", 2), build, tmp_path) == first and len(built) == 3
    assert load_or_build("table", ("key", 1), build, None) == first and len(built) == 4


@given(st.text(alphabet="ab \n’'1", max_size=200), st.integers(min_value=1, max_value=20))
def test_counting_a_piece_at_a_time_counts_as_counting_at_once(text: str, size: int) -> None:
    pattern = regex.compile(r"[\p{L}\p{N}]+(?:['’]\p{L}+)*")
    pieces = list(line_pieces(text, size))
    assert "".join(text[start:end] for start, end in pieces) == text
    counts = Counter()
    for start, end in pieces:
        counts.update(pattern.findall(text, start, end))
    assert list(counts.items()) == list(Counter(pattern.findall(text)).items())
    assert count_matches(pattern, text) == Counter(pattern.findall(text))
