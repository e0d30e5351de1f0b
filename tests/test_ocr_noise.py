"""The print's noise as evidence: in a document whose OCR misreads many words, a word no lexicon knows is
likelier a misreading than in clean print, where it is likelier the author's own rare word."""

from __future__ import annotations

import pytest

from pipeline.core.settings import Settings
from pipeline.stages.ocr import repair_words
from tests.conftest import assert_rule_error
from tests.test_ocr_readings import WORDS, noisy_text

# An unknown word whose likeliest candidate (`promise`) is not sure either way: the print around decides.
SENTENCE = " The council said that promlso went on the roads."
# Misreadings for the noisy print that the word's own (`l` for `i`, `o` for `e`) are not among, so that
# the document's own misreadings (``WordRepairer.adapt``) do not raise its candidate: the noise alone does.
OTHER_MISREADINGS = [("h", "li"), ("m", "rn"), ("d", "cl"), ("a", "n")]
# The letter model would find `promlso` unlike English and settle it alone: it is left out here.
WITHOUT_LETTERS = ("ocr.unlikely_letters_weight=0",)


def confidence_of_repair(text: str, settings: Settings) -> float:
    """The confidence of the repair of the sentence's unknown word."""
    start = text.index("promlso")
    edits = repair_words(text, settings.rules("ocr"), frozenset())
    (edit,) = [edit for edit in edits if edit.start == start]
    return edit.confidence


def clean_and_noisy(seed: int) -> tuple[str, str]:
    """The sentence after 400 words of the sample scan as printed, and as noisy OCR read them."""
    clean = " ".join(WORDS[seed * 500 : seed * 500 + 400]) + "." + SENTENCE + "\n"
    noisy = noisy_text(seed, 400, OTHER_MISREADINGS).rstrip("\n") + SENTENCE + "\n"
    return clean, noisy


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_unknown_word_is_likelier_a_misreading_in_noisy_print(seed: int) -> None:
    clean, noisy = clean_and_noisy(seed)
    settings = Settings(overrides=WITHOUT_LETTERS)
    assert confidence_of_repair(noisy, settings) > confidence_of_repair(clean, settings)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_noise_weighs_nothing_at_weight_0(seed: int) -> None:
    clean, noisy = clean_and_noisy(seed)
    settings = Settings(overrides=(*WITHOUT_LETTERS, "ocr.noise_prior_weight=0"))
    assert confidence_of_repair(noisy, settings) == pytest.approx(confidence_of_repair(clean, settings))


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("ocr.noise_reference=0", "'noise_reference' must be between 0.001 and 1, not 0"),
        ("ocr.noise_prior_weight=-1", "'noise_prior_weight' must be at least 0"),
        ("ocr.noise_prior_words=2.5", "'noise_prior_words' must be a whole number"),
    ],
)
def test_bad_noise_rules_are_a_clear_error(override: str, message: str) -> None:
    assert_rule_error(override, message)
