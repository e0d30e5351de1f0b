"""Shared test helpers: where the repository and the shared real data are, and how a bad rule fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

import pipeline
from pipeline.cli import main
from pipeline.core.errors import RulesError

# No per-example deadline: two cores shared by many processes make timings meaningless. In CI the
# examples are derived from each test's name, so a run is repeatable; locally they are random, to explore.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE = REPO / "raw" / "stalin-documents.txt"


def invoke(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    """Run ``scanclean ARGS`` in-process: exit code, standard output, standard error."""
    result = CliRunner().invoke(main, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def shared_path(*parts: str) -> Path:
    """A path under ``../shared``, or skip the test with the reason when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/{'/'.join(parts)} (real data kept outside the repository)")
    return path


def assert_rule_error(override: str, message: str, text: str = "The tbe end of it.") -> None:
    """Cleaning with one bad rule (``STAGE.KEY=VALUE``) stops with a ``RulesError`` that names the stage's
    rules file and says ``message``."""
    stage = override.split(".", 1)[0]
    with pytest.raises(RulesError, match=rf"rules/{stage}\.toml") as error:
        pipeline.clean(text, only=(stage,), overrides=(override,))
    assert message in str(error.value)
