"""Evaluating the pipeline on documents with ground truth: before and after, per stage, per change.

For each document the pipeline runs once with the chosen stages and once more with each of them switched
off. The scores:

- CER and WER of the raw OCR and of the cleaned text against the gold (and of a peer's text when the
  data set has one);
- per stage, the CER with that stage off: ``gain`` is that CER minus the CER with every stage on, so a
  stage that helps has a positive gain, and a stage with a negative gain on a document made it worse
  (do no harm: the report names such stages and documents);
- per stage, its changes and suggestions judged right, wrong, neutral or layout (``pipeline.eval.judge``).

Raw spans without ground truth (``EvalDocument.unjudged``) are taken out of every text before scoring:
of the raw text directly, of a cleaned text through its alignment to the raw text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from pipeline.api import clean_text
from pipeline.core.settings import Settings
from pipeline.eval.align import blocks, source_mask
from pipeline.eval.datasets import EvalDocument
from pipeline.eval.judge import ChangeCounts, judge_change, touches
from pipeline.eval.metrics import ErrorRate, character_error_rate, confusions, word_error_rate


@dataclass(frozen=True)
class Scores:
    """CER and WER of one text against the gold."""

    cer: ErrorRate
    wer: ErrorRate

    @classmethod
    def total(cls, scores: Iterable[Scores]) -> Scores:
        scores = list(scores)
        return cls(ErrorRate.total(s.cer for s in scores), ErrorRate.total(s.wer for s in scores))


@dataclass(frozen=True)
class DocumentResult:
    """Everything measured on one document."""

    name: str
    raw: Scores
    cleaned: Scores
    peer: Scores | None = None
    # Stage name to the CER of the cleaned text with that stage switched off.
    without: dict[str, ErrorRate] = field(default_factory=dict)
    applied: dict[str, ChangeCounts] = field(default_factory=dict)
    suggested: dict[str, ChangeCounts] = field(default_factory=dict)
    # The same by rule (``ocr/split-words``): which of a stage's repairs help and which harm.
    applied_by_rule: dict[str, ChangeCounts] = field(default_factory=dict)
    suggested_by_rule: dict[str, ChangeCounts] = field(default_factory=dict)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)

    def gain(self, stage: str) -> float:
        """How much lower the CER is with the stage on than off (negative: the stage did harm)."""
        return self.without[stage].rate - self.cleaned.cer.rate


@dataclass(frozen=True)
class EvalOptions:
    """How to evaluate: settings of the runs, layout counted or not, stages switched off one by one."""

    settings: Settings = field(default_factory=Settings)
    layout: bool = False
    ablate: bool = True
    confusions: bool = False


def evaluate(
    documents: list[EvalDocument], options: EvalOptions, *, jobs: int = 1
) -> Iterator[DocumentResult]:
    """Evaluate documents one by one or in ``jobs`` processes; results come in the documents' order."""
    if jobs <= 1 or len(documents) <= 1:
        yield from (evaluate_document(document, options) for document in documents)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(evaluate_document, documents, [options] * len(documents), chunksize=1)


def evaluate_document(document: EvalDocument, options: EvalOptions) -> DocumentResult:
    """Clean one document with all stages and with each one off, and score every text."""
    settings = options.settings
    scorer = Scorer(document, options.layout)
    result = clean_text(document.raw, settings, name=document.name)
    without = {}
    if options.ablate:
        for stage in settings.stages():
            ablated = replace(settings, skip=(*settings.skip, stage))
            text = clean_text(document.raw, ablated, name=document.name).text
            without[stage] = scorer.scores(text).cer
    judged = [
        change
        for change in result.changes
        if change.stage != "output" and not touches(document.unjudged, change.raw_start, change.raw_end)
    ]
    raw_to_gold = blocks(document.raw, document.gold) if judged else []
    verdicts: list[tuple[str, str, bool, str]] = [
        (
            change.stage,
            change.rule,
            change.applied,
            judge_change(change, document.raw, document.gold, raw_to_gold, layout=options.layout),
        )
        for change in judged
    ]
    return DocumentResult(
        name=document.name,
        raw=scorer.scores(document.raw),
        cleaned=scorer.scores(result.text),
        peer=scorer.scores(document.peer) if document.peer is not None else None,
        without=without,
        applied=_tally(verdicts, by_rule=False, applied=True),
        suggested=_tally(verdicts, by_rule=False, applied=False),
        applied_by_rule=_tally(verdicts, by_rule=True, applied=True),
        suggested_by_rule=_tally(verdicts, by_rule=True, applied=False),
        confusions=confusions(document.gold, scorer.judged(result.text), layout=options.layout)
        if options.confusions
        else Counter(),
    )


def _tally(
    verdicts: list[tuple[str, str, bool, str]], *, by_rule: bool, applied: bool
) -> dict[str, ChangeCounts]:
    """The verdicts on the applied changes (or the suggestions), counted by stage or by rule.

    >>> verdicts = [("ocr", "ocr/split-words", True, "right"), ("ocr", "ocr/word-repair", True, "wrong")]
    >>> _tally(verdicts, by_rule=True, applied=True)["ocr/split-words"]
    ChangeCounts(right=1, wrong=0, neutral=0, layout=0)
    >>> _tally(verdicts, by_rule=False, applied=True)["ocr"].judged
    2
    """
    grouped: dict[str, list[str]] = {}
    for stage, rule, was_applied, verdict in verdicts:
        if was_applied == applied:
            grouped.setdefault(rule if by_rule else stage, []).append(verdict)
    return {key: ChangeCounts.of(found) for key, found in grouped.items()}


class Scorer:
    """Scores texts against one gold, each distinct text once (most stages switched off change nothing)."""

    def __init__(self, document: EvalDocument, layout: bool) -> None:
        self._document = document
        self._layout = layout
        self._cache: dict[str, Scores] = {}
        self._raw_mask = [False] * len(document.raw)
        for start, end in document.unjudged:
            self._raw_mask[start:end] = [True] * (end - start)

    def judged(self, text: str) -> str:
        """The text without what came from unjudged raw spans."""
        if not self._document.unjudged:
            return text
        raw = self._document.raw
        mask = self._raw_mask if text == raw else source_mask(blocks(raw, text), len(text), self._raw_mask)
        return "".join(char for char, masked in zip(text, mask, strict=True) if not masked)

    def scores(self, text: str) -> Scores:
        if text not in self._cache:
            judged, gold = self.judged(text), self._document.gold
            self._cache[text] = Scores(
                character_error_rate(gold, judged, layout=self._layout),
                word_error_rate(gold, judged, layout=self._layout),
            )
        return self._cache[text]
