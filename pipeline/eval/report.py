"""The evaluation report: a summary a machine reads (``--json``) and the table a person reads."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

from pipeline.eval.evaluate import DocumentResult, Scores
from pipeline.eval.judge import ChangeCounts
from pipeline.eval.metrics import ErrorRate


def summarise(
    results: list[DocumentResult], stages: tuple[str, ...], *, title: str = "", errors: int = 0
) -> dict[str, Any]:
    """Totals, per stage and per document, as plain data (``inf`` rates become ``None`` for JSON)."""
    cleaned = Scores.total(r.cleaned for r in results)
    peers = [r.peer for r in results if r.peer is not None]
    per_stage = {}
    for stage in stages:
        ablated = [r for r in results if stage in r.without]
        without = ErrorRate.total(r.without[stage] for r in ablated) if ablated else None
        per_stage[stage] = {
            "cer_without": _rate(without) if without else None,
            "gain": without.rate - cleaned.cer.rate if without else None,
            "worse_in": [r.name for r in ablated if r.gain(stage) < 0],
            "applied": _summed(r.applied.get(stage) for r in results),
            "suggested": _summed(r.suggested.get(stage) for r in results),
        }
    rules = sorted({rule for r in results for rule in (*r.applied_by_rule, *r.suggested_by_rule)})
    per_rule = {
        rule: {
            "applied": _summed(r.applied_by_rule.get(rule) for r in results),
            "suggested": _summed(r.suggested_by_rule.get(rule) for r in results),
        }
        for rule in rules
    }
    confusions: Counter[tuple[str, str]] = Counter()
    for result in results:
        confusions.update(result.confusions)
    return {
        "title": title,
        "documents": len(results),
        "total": {
            "raw": _scores(Scores.total(r.raw for r in results)),
            "cleaned": _scores(cleaned),
            "peer": _scores(Scores.total(peers)) if peers else None,
        },
        "stages": per_stage,
        "rules": per_rule,
        "confusions": [
            {"gold": gold, "cleaned": got, "count": count}
            for (gold, got), count in confusions.most_common(errors)
        ],
        "files": [
            {
                "name": r.name,
                "raw": _scores(r.raw),
                "cleaned": _scores(r.cleaned),
                "peer": _scores(r.peer) if r.peer else None,
                "gain": {stage: r.gain(stage) for stage in r.without},
            }
            for r in results
        ],
    }


def format_table(summary: dict[str, Any], *, per_file: bool = True, by_rule: bool = False) -> str:
    """The report as text: per file and total CER/WER, then one line a stage (and, ``by_rule``, one a
    rule), then the confusions."""
    has_peer = summary["total"]["peer"] is not None
    head = ["document", "raw CER", "raw WER", "clean CER", "clean WER"] + (
        ["peer CER", "peer WER"] * has_peer
    )
    rows = []
    for item in summary["files"] if per_file else []:
        rows.append([item["name"], *_score_cells(item, has_peer)])
    count = summary["documents"]
    total_label = f"total ({count} document{'s' * (count != 1)})"
    rows.append([total_label, *_score_cells(summary["total"], has_peer)])
    lines = [f"{summary['title']}", *_table(head, rows, first_rule=len(rows) - 1 if per_file else None)]

    stage_head = ["stage", "CER off", "gain", *_COUNT_HEAD]
    stage_rows = [
        [
            stage,
            _percent(item["cer_without"]["rate"]) if item["cer_without"] else "-",
            _points(item["gain"]) if item["gain"] is not None else "-",
            *_count_cells(item["applied"]),
        ]
        for stage, item in summary["stages"].items()
    ]
    lines += ["", *_table(stage_head, stage_rows)]
    if by_rule:
        rule_head = ["rule", *_COUNT_HEAD, "suggested", "right"]
        rule_rows = [
            [
                rule,
                *_count_cells(item["applied"]),
                str(item["suggested"]["judged"]),
                _share(item["suggested"]["share_right"]),
            ]
            for rule, item in summary["rules"].items()
        ]
        lines += ["", *_table(rule_head, rule_rows)]
    suggested = {
        stage: item["suggested"] for stage, item in summary["stages"].items() if item["suggested"]["judged"]
    }
    for stage, counts in suggested.items():
        lines.append(
            f"{stage}: {counts['judged']} suggestions left for review would be right in "
            f"{counts['right']} ({_share(counts['share_right'])})"
        )
    harmful = {stage: item["worse_in"] for stage, item in summary["stages"].items() if item["worse_in"]}
    for stage, names in harmful.items():
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        lines.append(
            f"do no harm: {stage} made {len(names)} document{'s' * (len(names) != 1)} worse: {shown}"
        )
    if not harmful and any(item["cer_without"] for item in summary["stages"].values()):
        lines.append("do no harm: no stage made any document worse")
    if summary["confusions"]:
        lines += ["", "most common remaining errors (gold -> cleaned):"]
        for item in summary["confusions"]:
            lines.append(f"  {item['count']:6d}  {item['gold']!r} -> {item['cleaned']!r}")
    return "\n".join(lines)


_COUNT_HEAD = ["changes", "right", "wrong", "neutral", "layout", "share right"]


def _count_cells(counts: dict[str, Any]) -> list[str]:
    """The cells under ``_COUNT_HEAD`` for one stage's or rule's applied changes."""
    verdicts = [counts[key] for key in ("right", "wrong", "neutral", "layout")]
    return [str(sum(verdicts)), *map(str, verdicts), _share(counts["share_right"])]


def _score_cells(item: dict[str, Any], has_peer: bool) -> list[str]:
    keys = ("raw", "cleaned", "peer") if has_peer else ("raw", "cleaned")
    cells = []
    for key in keys:
        scores = item[key]
        cells += [_percent(scores["cer"]["rate"]), _percent(scores["wer"]["rate"])] if scores else ["-", "-"]
    return cells


def _table(head: list[str], rows: list[list[str]], first_rule: int | None = None) -> list[str]:
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
        )

    out = [line(head), line(["-" * w for w in widths])]
    for index, row in enumerate(rows):
        if first_rule is not None and index == first_rule and index:
            out.append(line(["-" * w for w in widths]))
        out.append(line(row))
    return out


def _rate(rate: ErrorRate) -> dict[str, Any]:
    return {
        "rate": None if math.isinf(rate.rate) else rate.rate,
        "errors": rate.errors,
        "length": rate.length,
    }


def _scores(scores: Scores) -> dict[str, Any]:
    return {"cer": _rate(scores.cer), "wer": _rate(scores.wer)}


def _summed(counts: Iterable[ChangeCounts | None]) -> dict[str, Any]:
    """Counts of several documents (``None``: a document without such changes) added up, as plain data."""
    return _counts(sum((found for found in counts if found is not None), ChangeCounts()))


def _counts(counts: ChangeCounts) -> dict[str, Any]:
    return {
        "right": counts.right,
        "wrong": counts.wrong,
        "neutral": counts.neutral,
        "layout": counts.layout,
        "judged": counts.judged,
        "share_right": counts.share_right,
    }


def _percent(rate: float | None) -> str:
    return "inf" if rate is None else f"{100 * rate:.2f}%"


def _points(delta: float) -> str:
    return f"{100 * delta:+.2f}"


def _share(share: float | None) -> str:
    return "-" if share is None else f"{share:.3f}"
