"""Shared test helpers: where the repository and the shared real data are."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "raw" / "stalin-documents.txt"


def shared_path(*parts: str) -> Path:
    """A path under ``../shared``, or skip the test with the reason when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/{'/'.join(parts)} (real data kept outside the repository)")
    return path
