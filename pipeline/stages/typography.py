"""Stage `typography`: quotes paired, dashes, spaces.

Not built yet: this stage passes the text through unchanged and proposes no edits.
"""

from __future__ import annotations

from pipeline.core.document import Document
from pipeline.core.edits import Edit
from pipeline.core.settings import Settings


def run(document: Document, settings: Settings) -> list[Edit]:
    """Propose no edits (pass-through until the stage is built)."""
    return []
