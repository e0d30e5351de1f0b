"""The registry: the one place that knows the stages and their order.

Every stage is a module with ``run(document, settings) -> list[Edit]``; it reads the document, proposes
edits and never changes the text itself. ``ocr`` runs after ``reflow`` so it sees whole words, not
line-end fragments.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.settings import STAGE_NAMES, Settings
from pipeline.stages import encoding, furniture, input, ocr, reflow, script, typography

Stage = Callable[[Document, Settings], list[Edit]]

STAGES: dict[str, Stage] = {
    "input": input.run,
    "encoding": encoding.run,
    "furniture": furniture.run,
    "script": script.run,
    "reflow": reflow.run,
    "ocr": ocr.run,
    "typography": typography.run,
}

assert tuple(STAGES) == STAGE_NAMES, "the registry and Settings must list the same stages in one order"
