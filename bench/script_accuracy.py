"""How well the `script` stage restores Cyrillic read as Latin, and how often it converts what it must not.

    python bench/script_accuracy.py [--seed N] [--english-eval N] [--show N]

Russian lines (``tests/data/russian_captions.txt``) are garbled by a confusion model of this file's own,
with randomness: each Cyrillic capital becomes one of its Latin look-alikes (letters or letter groups)
with the probabilities below, plus some OCR noise (letters dropped, doubled or misread at random). The
model is deliberately broad and was written apart from the stage's table; do not tune it to the stage.

English lines that must stay as they are: ``tests/data/english_capitals.txt`` (headings, acronyms,
transliterations) plus, when ``../shared/eval`` is present, real English lines of its ground truth,
upper-cased at run time (never copied into the repository).

Figures: word accuracy of restoration (share of the Russian lines' words that come out exactly right),
for look-alikes only and with OCR noise added; the share restored to a wrong Cyrillic word; false
conversions (English lines the stage changed); and time.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

import pipeline

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
SHARED_EVAL = REPO.parent / "shared" / "eval"

# Latin OCR output for each Cyrillic capital, with probabilities: shape look-alikes, one letter read as a
# group (Ы as LI) and a group as one letter. Broad on purpose: every plausible misreading.
LOOKALIKES: dict[str, list[tuple[str, float]]] = {
    "А": [("A", 0.97), ("4", 0.01), ("R", 0.02)],
    "Б": [("6", 0.45), ("b", 0.15), ("B", 0.2), ("5", 0.05), ("E", 0.05), ("8", 0.1)],
    "В": [("B", 0.94), ("8", 0.04), ("E", 0.02)],
    "Г": [("I", 0.3), ("T", 0.3), ("r", 0.2), ("F", 0.1), ("1", 0.05), ("L", 0.05)],
    "Д": [("A", 0.35), ("Q", 0.15), ("U", 0.15), ("D", 0.2), ("AI", 0.05), ("O", 0.05), ("II", 0.05)],
    "Е": [("E", 0.96), ("F", 0.02), ("C", 0.02)],
    "Ж": [("X", 0.4), ("K", 0.25), ("XK", 0.15), ("}K", 0.1), ("*", 0.1)],
    "З": [("3", 0.8), ("Z", 0.1), ("E", 0.05), ("B", 0.05)],
    "И": [("U", 0.35), ("N", 0.3), ("M", 0.1), ("H", 0.15), ("II", 0.05), ("W", 0.05)],
    "Й": [("U", 0.25), ("N", 0.25), ("H", 0.25), ("M", 0.1), ("I", 0.1), ("Ñ", 0.05)],
    "К": [("K", 0.95), ("IC", 0.03), ("R", 0.02)],
    "Л": [("JI", 0.4), ("Jl", 0.2), ("N", 0.1), ("A", 0.1), ("II", 0.1), ("JL", 0.05), ("V", 0.05)],
    "М": [("M", 0.95), ("IVI", 0.03), ("NI", 0.02)],
    "Н": [("H", 0.96), ("N", 0.02), ("I-I", 0.02)],
    "О": [("O", 0.93), ("0", 0.05), ("Q", 0.02)],
    "П": [
        ("N", 0.35),
        ("II", 0.25),
        ("Il", 0.1),
        ("n", 0.1),
        ("IT", 0.05),
        ("TT", 0.05),
        ("H", 0.05),
        ("U", 0.05),
    ],
    "Р": [("P", 0.96), ("F", 0.02), ("R", 0.02)],
    "С": [("C", 0.95), ("G", 0.02), ("(", 0.02), ("O", 0.01)],
    "Т": [("T", 0.9), ("Y", 0.04), ("I", 0.03), ("7", 0.03)],
    "У": [("Y", 0.9), ("V", 0.05), ("U", 0.03), ("X", 0.02)],
    "Ф": [
        ("O", 0.3),
        ("CD", 0.2),
        ("0", 0.1),
        ("CP", 0.1),
        ("(I)", 0.1),
        ("Q", 0.1),
        ("B", 0.05),
        ("CI)", 0.05),
    ],
    "Х": [("X", 0.95), ("K", 0.03), ("}{", 0.02)],
    "Ц": [("U", 0.4), ("LL", 0.2), ("LI", 0.15), ("II", 0.1), ("Y", 0.1), ("W", 0.05)],
    "Ч": [("4", 0.5), ("Y", 0.3), ("U", 0.1), ("H", 0.1)],
    "Ш": [("W", 0.4), ("III", 0.3), ("LLI", 0.1), ("Ill", 0.1), ("UI", 0.05), ("LU", 0.05)],
    "Щ": [("W", 0.3), ("LLL", 0.2), ("III", 0.2), ("LLI", 0.1), ("UJ", 0.1), ("WJ", 0.1)],
    "Ъ": [("b", 0.5), ("'b", 0.2), ("Tb", 0.2), ("B", 0.1)],
    "Ы": [("LI", 0.3), ("bI", 0.3), ("bl", 0.1), ("Bl", 0.1), ("H", 0.1), ("HI", 0.05), ("M", 0.05)],
    "Ь": [("b", 0.7), ("B", 0.2), ("6", 0.1)],
    "Э": [("3", 0.6), ("E", 0.3), ("9", 0.1)],
    "Ю": [("IO", 0.5), ("10", 0.2), ("I0", 0.1), ("lO", 0.1), ("HO", 0.1)],
    "Я": [("R", 0.6), ("9", 0.3), ("A", 0.1)],
    "Ё": [("E", 0.9), ("Ë", 0.1)],
}
# OCR noise per letter, on top of the look-alikes: dropped, doubled, or read as a random capital.
NOISE = {"drop": 0.01, "double": 0.005, "misread": 0.01}
NOISE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def garble(line: str, rng: random.Random, noise: bool = True) -> str:
    """A Russian line as a Latin OCR model might read it (with OCR noise, or look-alikes only).

    >>> garble("СОВЕТА", random.Random(1), noise=False) in ("COBETA", "C0BETA", "COBCTA")
    True
    """
    out = []
    for char in line:
        readings = LOOKALIKES.get(char)
        if readings is None:
            out.append(char)
            continue
        if noise and rng.random() < NOISE["drop"]:
            continue
        if noise and rng.random() < NOISE["misread"]:
            out.append(rng.choice(NOISE_LETTERS))
            continue
        latin = rng.choices([latin for latin, _ in readings], [weight for _, weight in readings])[0]
        out.append(latin * 2 if noise and rng.random() < NOISE["double"] else latin)
    return "".join(out)


def read_lines(path: Path) -> list[str]:
    """Non-empty lines of a data file, without ``#`` comment lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def english_eval_lines(count: int, seed: int) -> list[str]:
    """Real English lines from ``../shared/eval`` ground truth, upper-cased; none when it is absent."""
    lines: list[str] = []
    smh = SHARED_EVAL / "overproof-smh" / "allArticles.txt"
    if smh.is_file():
        for row in smh.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = row.split("||@@||")
            if len(parts) >= 2:
                lines.append(parts[1])
    bln = SHARED_EVAL / "bln600" / "train.csv"
    if bln.is_file():
        with bln.open(encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.DictReader(handle):
                lines.append(row.get("Ground Truth", ""))
    usable = sorted({line.strip().upper() for line in lines if 20 <= len(line.strip()) <= 90})
    return random.Random(seed).sample(usable, min(count, len(usable)))


def clean_lines(lines: list[str], overrides: tuple[str, ...] = ()) -> list[str]:
    """Each line through the `script` stage alone, as blocks apart (a blank line between lines)."""
    result = pipeline.clean("\n\n".join(lines) + "\n", only=("script",), overrides=overrides)
    return result.text.rstrip("\n").split("\n\n")


def word_accuracy(truths: list[str], outputs: list[str]) -> tuple[int, int, int]:
    """Words (tokens with a letter) of the truth that come out exactly, how many came out as a wrong
    Cyrillic word (restored, but wrongly), and how many words there are."""
    right = wrong = total = 0
    for truth, output in zip(truths, outputs, strict=True):
        truth_words, output_words = truth.split(), output.split()
        for index, word in enumerate(truth_words):
            if any(char.isalpha() for char in word):
                total += 1
                out = output_words[index] if index < len(output_words) else ""
                right += out == word
                wrong += out != word and not any("A" <= char <= "z" for char in out)
    return right, wrong, total


def measure(seed: int = 1937, english_eval: int = 300, every: int = 1) -> dict[str, object]:
    """All the figures for one seed, on every ``every``-th Russian line (all by default)."""
    russian = read_lines(DATA / "russian_captions.txt")[::every]
    english = read_lines(DATA / "english_capitals.txt") + english_eval_lines(english_eval, seed)
    figures: dict[str, object] = {"russian_lines": len(russian), "english_lines": len(english)}
    started = time.perf_counter()
    for label, noise in (("lookalikes", False), ("noisy", True)):
        rng = random.Random(seed)
        garbled = [garble(line, rng, noise) for line in russian]
        restored = clean_lines(garbled)
        right, wrong, total = word_accuracy(russian, restored)
        figures[label] = {
            "word_accuracy": right / total,
            "wrongly_restored": wrong / total,
            "lines_exactly_right": sum(truth == out for truth, out in zip(russian, restored, strict=True)),
            "examples": [
                (truth, line, out) for truth, line, out in zip(russian, garbled, restored, strict=True)
            ],
        }
        figures["russian_words"] = total
    kept = clean_lines(english)
    figures["changed_english"] = [(line, out) for line, out in zip(english, kept, strict=True) if line != out]
    figures["false_conversions"] = len(figures["changed_english"])
    figures["seconds"] = time.perf_counter() - started
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1937)
    parser.add_argument(
        "--english-eval", type=int, default=300, help="real English lines from ../shared/eval"
    )
    parser.add_argument("--show", type=int, default=0, help="print this many lines not restored exactly")
    args = parser.parse_args(argv)
    figures = measure(args.seed, args.english_eval)
    print(f"Russian: {figures['russian_lines']} lines, {figures['russian_words']} words")
    for label, title in (("lookalikes", "look-alikes only"), ("noisy", "look-alikes and OCR noise")):
        result = figures[label]
        print(
            f"  {title}: word accuracy {result['word_accuracy']:.3f}, "
            f"restored to a wrong word {result['wrongly_restored']:.3f}, "
            f"lines exactly right {result['lines_exactly_right']}/{figures['russian_lines']}"
        )
        shown = 0
        for truth, garbled_line, out in result["examples"]:
            if out != truth and shown < args.show:
                print(f"    {garbled_line!r} -> {out!r} (truth {truth!r})")
                shown += 1
    print(
        f"English: {figures['english_lines']} lines (with up to {args.english_eval} from ../shared/eval); "
        f"false conversions {figures['false_conversions']}"
    )
    for line, out in figures["changed_english"]:
        print(f"  changed: {line!r} -> {out!r}")
    print(f"time: {figures['seconds']:.1f} s (lexicons built once per process, included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
