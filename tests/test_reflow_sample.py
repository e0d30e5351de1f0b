"""The sample scan through the whole pipeline: what reflow must show on a real scan."""

from __future__ import annotations

import itertools

import pytest

import pipeline
from pipeline.core.settings import Settings
from pipeline.stages.reflow import load_reflow_rules
from tests.conftest import SAMPLE

# Line pairs of the sample that look like a sentence running on but are structure kept on purpose.
STRUCTURE = {
    # An address block: each addressee on its line.
    ("To the people's commissars of internal affairs,", "and to the heads of NKVD directorates"),
    # An archive stamp under the telegram.
    ("Additionally printed", "two cop. 8.11.1956 g."),
    # Captions of the two election posters, as the script stage restores them.
    (" at a Meeting of Voters of the", " ПЕРВЫЙ КАНДИДАТ В ДЕПУТАТЫ"),
    ("ВЕРХОВНОГО СОВЕТА РСФСР", "poster one"),
    ("ВЕРХОВНОГО СОВЕТА РСФСР", "poster two"),
    # A signature and a place line (`OR` is Oregon, not the word `or`).
    ("Notes prepared by", "Tim Davenport"),
    ("Corvallis, OR", "May 22, 2007"),
}


@pytest.fixture(scope="module")
def cleaned() -> str:
    """The cleaned sample, apostrophes straightened: these checks are about lines, not quote style."""
    return pipeline.clean(SAMPLE.read_text(encoding="utf-8")).text.replace("’", "'")


def test_a_compound_broken_at_a_line_end_keeps_its_hyphen(cleaned: str) -> None:
    assert "who try to thwart the unmasking of co-conspirators who are still at large" in cleaned


def test_paragraphs_run_on_over_page_breaks(cleaned: str) -> None:
    assert "individuals but the personification of all the victories" in cleaned
    assert "Even the Great Stalin" in cleaned
    assert "\f" not in cleaned


def test_signatures_stay_on_their_own_lines(cleaned: str) -> None:
    lines = cleaned.split("\n")
    assert "Stalin." in lines
    assert "J. Stalin" in lines


def test_the_address_blocks_keep_their_line_structure(cleaned: str) -> None:
    assert (
        "To the Secretaries of oblast and regional party committees,\n"
        "To the CCs of national Communist parties,\n\n"
        "To the people's commissars of internal affairs,\n\n"
        "and to the heads of NKVD directorates\n\n"
    ) in cleaned
    assert (
        "\n\nTO THE SECRETARIES OF OBLAST AND REGIONAL PARTY\n"
        "COMMITTEES, CCS OF NATIONAL COMMUNIST PARTIES, PEOPLE'S\n"
        "COMMISSARS OF INTERNAL AFFAIRS, HEADS OF NKVD\n"
        "DIRECTORATES\n\n"
    ) in cleaned


def test_no_paragraph_is_broken_mid_sentence(cleaned: str) -> None:
    """No line ends in a hyphen or a word that cannot end a sentence, and no line without a sentence
    end runs into one starting in lower case, unless it is structure listed above."""
    function_words = load_reflow_rules(Settings().rules("reflow")).function_words
    lines = [line for line in cleaned.split("\n") if line.strip()]
    broken = []
    for line, following in itertools.pairwise(lines):
        end = line.rstrip()
        runs_on = end.split()[-1].lower() in function_words or end.endswith("-")
        runs_on = runs_on or (end[-1] not in ".!?:\"”'’)]" and following.lstrip()[:1].islower())
        if runs_on and (line, following) not in STRUCTURE:
            broken.append((line[-60:], following[:40]))
    assert broken == []


def test_the_sample_is_one_paragraph_a_line(cleaned: str) -> None:
    """Paragraphs are separated by exactly one blank line, and cleaning the output changes nothing."""
    assert "\n\n\n" not in cleaned
    once = pipeline.clean(SAMPLE.read_text(encoding="utf-8")).text
    assert pipeline.clean(once).text == once
