"""How far word repair could take a data set at best: the character errors left if every remaining word
substitution of a kind were put exactly right (an oracle that reads the ground truth), beside the errors
the pipeline leaves.

    python bench/ocr_ceiling.py --dataset bln600 [--stages input,encoding,ocr] [-j 2]

The cleaned text and the ground truth are aligned word by word (rapidfuzz's opcodes over whitespace
tokens). Where one cleaned word stands for one word of the truth and differs from it, the oracle writes the
truth's word, for these kinds in turn:

- ``non-words``: the cleaned word, without its marks, is all letters and in no lexicon (wordfreq);
- ``+ real words``: also a lexicon word within two edits of the truth's (`lie` for `he`);
- ``+ any word``: any one word for one.

What the last row still leaves is beyond word repair: words split or run together, words lost, and text
that is not in the print at all (pieces of the next column, specks, stray marks).
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import regex
from rapidfuzz.distance import Levenshtein

from pipeline.api import clean_text
from pipeline.core.lexicon import zipf
from pipeline.core.settings import Settings
from pipeline.eval.datasets import EvalDocument, load_dataset
from pipeline.eval.evaluate import Scorer

KINDS = ("non-words", "+ real words", "+ any word")
_TOKEN = regex.compile(r"\S+")
_MARKS_AROUND = regex.compile(r"^\W+|\W+$")


def kind_of(cleaned: str, truth: str) -> int:
    """The first row of ``KINDS`` whose oracle writes ``truth`` for ``cleaned`` (an index).

    >>> kind_of("prisouer", "prisoner"), kind_of("lie", "he"), kind_of("5", "S")
    (0, 1, 2)
    """
    word, meant = _MARKS_AROUND.sub("", cleaned), _MARKS_AROUND.sub("", truth)
    if word.isalpha() and meant.isalpha():
        if not zipf(word.lower()):
            return 0
        if Levenshtein.distance(word, meant) <= 2:
            return 1
    return 2


def document_errors(document: EvalDocument, stages: tuple[str, ...]) -> list[int]:
    """The document's errors: raw, cleaned, then with each oracle of ``KINDS``."""
    cleaned = clean_text(document.raw, Settings(only=stages), name=document.name).text
    gold, words = _TOKEN.findall(document.gold), _TOKEN.findall(cleaned)
    oracles = [list(words) for _ in KINDS]
    for tag, gold_start, gold_end, start, end in Levenshtein.opcodes(gold, words):
        if tag != "replace" or gold_end - gold_start != end - start:
            continue
        for truth, at in zip(gold[gold_start:gold_end], range(start, end), strict=True):
            for oracle in oracles[kind_of(words[at], truth) :]:
                oracle[at] = truth
    texts = [document.raw, cleaned, *(" ".join(oracle) for oracle in oracles)]
    scorer = Scorer(document, layout=False)  # as `scanclean eval` scores: without the unjudged spans
    return [scorer.scores(text).cer.errors for text in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", required=True, help="a data set of ../shared/eval (see its README)")
    parser.add_argument("--stages", default="input,encoding,ocr", help="the stages to run (default: ocr's)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    documents = load_dataset(args.dataset)
    count = partial(document_errors, stages=tuple(args.stages.split(",")))
    with ProcessPoolExecutor(args.jobs) as pool:
        totals = [sum(column) for column in zip(*pool.map(count, documents, chunksize=4), strict=True)]
    raw = totals[0]
    print(f"{args.dataset}: {len(documents)} documents, stages {args.stages}")
    print(f"{'text':<34}{'errors':>9}{'relative':>10}")
    for label, errors in zip(["raw", "cleaned", *(f"oracle: {kind}" for kind in KINDS)], totals, strict=True):
        print(f"{label:<34}{errors:>9,}{(errors - raw) / raw:>+10.1%}")


if __name__ == "__main__":
    main()
