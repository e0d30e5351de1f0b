"""Loaders for evaluation data: pairs of raw OCR text and human ground truth, one pair a document.

The shared sets live outside the repository (``../shared/eval`` next to it, or ``--data-dir``); their
formats are described in that folder's README. Each loader gives ``EvalDocument``s:

- ``overproof-smh``: one document an article; lines of ``OCR||@@||gold||@@||OverProof's correction``, so
  the peer's text is there too. Line breaks (and line-end hyphens) are kept as printed.
- ``icdar2017-en``: one document a file. The gold is the aligned ground truth without its ``@`` padding;
  OCR characters aligned to ``#`` have no ground truth (running headers, page numbers, words cut at the
  region's edge) and are recorded as ``unjudged`` raw spans, which the evaluation leaves out on both sides.
- ``bln600``: sentence pairs; the sentences of one sample (an article) are one document, a line each.

Your own pairs: two folders of same-named ``.txt`` files, or a manifest of ``RAW<TAB>GOLD`` lines.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from pipeline.core.errors import InputError

_NO_GROUND_TRUTH = re.compile("#+")


class EvalDataError(InputError):
    """Evaluation data that is missing or not in the expected format."""


@dataclass(frozen=True)
class EvalDocument:
    """One document to evaluate: raw OCR, its gold, and a peer system's output when the set has one.

    ``unjudged`` are raw spans ``(start, end)`` that have no ground truth; they count neither way.
    """

    name: str
    raw: str
    gold: str
    peer: str | None = None
    unjudged: tuple[tuple[int, int], ...] = ()


def default_data_dir() -> Path:
    """``../shared/eval`` next to the repository checkout this package runs from (else use ``--data-dir``)."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def load_overproof(folder: Path) -> list[EvalDocument]:
    """OverProof dataset 2: articles of ``*$*OVERPROOF*$*`` header lines and three-column lines."""
    path = _existing(folder / "allArticles.txt")
    documents: list[EvalDocument] = []
    columns: list[list[str]] = []
    name = ""

    def finish() -> None:
        if columns:
            raw, gold, peer = ("\n".join(column) for column in zip(*columns, strict=True))
            documents.append(EvalDocument(name, raw, gold, peer))

    for number, line in enumerate(_read(path).splitlines(), start=1):
        if line.startswith("*$*OVERPROOF*$*"):
            finish()
            columns = []
            name = f"overproof-{line.split()[1]}" if len(line.split()) > 1 else f"overproof-line{number}"
            continue
        parts = line.split("||@@||")
        if len(parts) != 3:
            raise EvalDataError(f"{path}, line {number}: expected OCR||@@||gold||@@||peer")
        columns.append(parts)
    finish()
    return documents


def load_icdar2017(folder: Path) -> list[EvalDocument]:
    """ICDAR 2017 post-OCR correction files: ``[OCR_toInput]``, ``[OCR_aligned]``, ``[ GS_aligned]``."""
    paths = sorted(_existing(folder).glob("*/*.txt"), key=lambda p: (p.parent.name, _number_first(p.stem)))
    if not paths:
        raise EvalDataError(f"{folder}: no */N.txt files")
    return [_icdar_document(path, f"{path.parent.name}/{path.stem}") for path in paths]


def _icdar_document(path: Path, name: str) -> EvalDocument:
    lines = _read(path).split("\n")
    prefixes = ("[OCR_toInput] ", "[OCR_aligned] ", "[ GS_aligned] ")
    if len(lines) < 3 or any(not line.startswith(p) for line, p in zip(lines, prefixes, strict=False)):
        raise EvalDataError(f"{path}: expected lines {', '.join(p.strip() for p in prefixes)}")
    raw, ocr_aligned, gold_aligned = (line[len(p) :] for line, p in zip(lines, prefixes, strict=False))
    if len(ocr_aligned) != len(gold_aligned) or ocr_aligned.replace("@", "") != raw:
        raise EvalDataError(f"{path}: the aligned OCR does not match the OCR input")
    # An aligned position less the '@' gaps before it is a raw offset.
    unjudged: list[tuple[int, int]] = []
    gaps, counted = 0, 0
    for run in _NO_GROUND_TRUTH.finditer(gold_aligned):
        gaps += ocr_aligned.count("@", counted, run.start())
        start = run.start() - gaps
        gaps += ocr_aligned.count("@", run.start(), run.end())
        counted = run.end()
        if unjudged and unjudged[-1][1] == start:  # runs apart only by gold the OCR lacks
            unjudged[-1] = (unjudged[-1][0], run.end() - gaps)
        elif run.end() - gaps > start:
            unjudged.append((start, run.end() - gaps))
    gold = gold_aligned.replace("@", "").replace("#", "")
    return EvalDocument(name, raw, gold, unjudged=tuple(unjudged))


def load_bln600(folder: Path) -> list[EvalDocument]:
    """BLN600 sentence pairs, grouped by sample into one document with a sentence a line."""
    path = _existing(folder / "train.csv")
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    needed = {"Sample ID", "OCR Text", "Ground Truth"}
    if not rows or not needed <= rows[0].keys():
        raise EvalDataError(f"{path}: expected columns {', '.join(sorted(needed))}")
    documents = []
    for sample, group in groupby(rows, key=lambda row: row["Sample ID"]):
        pairs = list(group)
        raw = "\n".join(row["OCR Text"] for row in pairs)
        gold = "\n".join(row["Ground Truth"] for row in pairs)
        documents.append(EvalDocument(f"bln600-{sample}", raw, gold))
    return documents


DATASETS: dict[str, Callable[[Path], list[EvalDocument]]] = {
    "overproof-smh": load_overproof,
    "icdar2017-en": load_icdar2017,
    "bln600": load_bln600,
}


def load_dataset(name: str, data_dir: Path | None = None) -> list[EvalDocument]:
    """The documents of a shared set by name, from ``data_dir`` (default ``default_data_dir()``)."""
    if name not in DATASETS:
        raise EvalDataError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}")
    folder = (data_dir or default_data_dir()) / name
    if not folder.is_dir():
        raise EvalDataError(f"{folder}: data set not found (point --data-dir at the folder holding {name}/)")
    return DATASETS[name](folder)


def load_folders(raw_dir: Path, gold_dir: Path) -> list[EvalDocument]:
    """Pairs of same-named ``.txt`` files in two folders; a raw file without its gold is an error."""
    raw_paths = sorted(_existing(raw_dir).glob("*.txt"))
    if not raw_paths:
        raise EvalDataError(f"{raw_dir}: no .txt files")
    missing = [path.name for path in raw_paths if not (gold_dir / path.name).is_file()]
    if missing:
        more = "..." if len(missing) > 3 else ""
        raise EvalDataError(f"{gold_dir}: no gold for {', '.join(missing[:3])}{more}")
    return [EvalDocument(path.stem, _read(path), _read(gold_dir / path.name)) for path in raw_paths]


def load_manifest(manifest: Path) -> list[EvalDocument]:
    """A manifest of ``RAW<TAB>GOLD`` lines (paths relative to the manifest; ``#`` starts a comment)."""
    documents = []
    for number, line in enumerate(_read(_existing(manifest)).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise EvalDataError(f"{manifest}, line {number}: expected RAW<TAB>GOLD")
        raw_path, gold_path = (manifest.parent / part.strip() for part in parts)
        documents.append(EvalDocument(raw_path.stem, _read(_existing(raw_path)), _read(_existing(gold_path))))
    return documents


def _existing(path: Path) -> Path:
    if not path.exists():
        raise EvalDataError(f"{path}: not found")
    return path


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise EvalDataError(f"{path}: not UTF-8 text; evaluation files must be UTF-8") from None
    except OSError as error:
        raise EvalDataError(f"{path}: cannot read it ({error.strerror or error})") from None


def _number_first(stem: str) -> tuple[int, str]:
    return (int(stem), "") if stem.isdigit() else (0, stem)
