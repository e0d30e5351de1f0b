"""One frozen settings object for a run: which stages run, where user rules are, per-run overrides."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.core.errors import RulesError
from pipeline.core.rules import RuleTable, default_rules_dir, load_rules, parse_override

STAGE_NAMES = ("input", "encoding", "furniture", "script", "reflow", "ocr", "typography")


@dataclass(frozen=True)
class Settings:
    """What a run does, with documented defaults.

    - ``only`` / ``skip``: stage names to run exclusively, or to leave out (empty: all stages).
    - ``rules_dir``: a folder whose ``NAME.toml`` files are laid over the shipped ``rules/``.
    - ``overrides``: ``FILE.KEY=VALUE`` assignments laid over both, for one run.
    - ``decisions``: a reviewer's verdicts, change id to ``True`` (accept) or ``False`` (reject).

    >>> Settings(skip=("reflow",)).stages()[:3]
    ('input', 'encoding', 'furniture')
    """

    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    rules_dir: Path | None = None
    overrides: tuple[str, ...] = ()
    decisions: tuple[tuple[str, bool], ...] = field(default=())

    def __post_init__(self) -> None:
        for name in (*self.only, *self.skip):
            if name not in STAGE_NAMES:
                raise RulesError(f"unknown stage {name!r}; the stages are {', '.join(STAGE_NAMES)}")
        for assignment in self.overrides:
            parse_override(assignment)
        if self.rules_dir is not None and not Path(self.rules_dir).is_dir():
            raise RulesError(f"{self.rules_dir}: rules folder not found")

    def stages(self) -> tuple[str, ...]:
        """The stages this run executes, in pipeline order."""
        return tuple(
            name for name in STAGE_NAMES if (not self.only or name in self.only) and name not in self.skip
        )

    def rules(self, name: str) -> RuleTable:
        """The rules table ``rules/NAME.toml`` as this run sees it (user folder and overrides applied)."""
        return load_rules(name, self.rules_dir, self.overrides)

    def decision_map(self) -> dict[str, bool]:
        return dict(self.decisions)

    def describe(self) -> dict[str, Any]:
        """The settings as they go into a change log's header."""
        return {
            "stages": list(self.stages()),
            "rules_dir": str(self.rules_dir) if self.rules_dir else None,
            "overrides": list(self.overrides),
            "decisions": self.decisions_fingerprint(),
            "rules_sha256": self.rules_fingerprint(),
        }

    def decisions_fingerprint(self) -> str | None:
        """A hash of the reviewer's verdicts (``None`` without any): changed decisions make outputs stale."""
        if not self.decisions:
            return None
        lines = sorted(
            f"{change_id}={'accept' if accepted else 'reject'}" for change_id, accepted in self.decisions
        )
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]

    def rules_fingerprint(self) -> str:
        """A hash of every rules table as this run sees it: outputs made under other rules are stale."""
        return _rules_fingerprint(self.rules_dir, self.overrides)


@lru_cache(maxsize=64)
def _rules_fingerprint(rules_dir: Path | None, overrides: tuple[str, ...]) -> str:
    """Computed once a process for each rules setting, not once a file (every log header carries it)."""
    folders = [default_rules_dir(), *([Path(rules_dir)] if rules_dir else [])]
    names = sorted({path.stem for folder in folders for path in folder.glob("*.toml")})
    tables = {name: load_rules(name, rules_dir, overrides).data for name in names}
    return hashlib.sha256(json.dumps(tables, sort_keys=True, default=str).encode()).hexdigest()
