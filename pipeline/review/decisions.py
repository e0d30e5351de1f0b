"""A reviewer's decisions: ``rules/decisions/NAME.toml`` accepts suggestions and rejects changes by id.

The file for ``raw/NAME.txt`` is a list of decisions, each naming a change of the log by its stable id::

    [[decision]]
    id = "3f0c2a9d41b7"
    verdict = "reject"            # "reject" a change, or "accept" a suggestion
    rule = "ocr/l-for-I"          # optional, for the reader: what the change was
    before = "l"
    after = "I"
    comment = "a roman numeral"   # optional: why

The next run passes the verdicts to the core, which applies an accepted suggestion, leaves a rejected
change as a suggestion and notes ``accepted in review`` / ``rejected in review`` in the log. A decision
whose change no longer exists (the scan or the rules changed) is reported, never silently dropped.
"""

from __future__ import annotations

import tomllib
from collections.abc import Container
from dataclasses import replace
from pathlib import Path

from pipeline.core.errors import RulesError
from pipeline.core.settings import Settings

DECISIONS_FOLDER = "decisions"
VERDICTS = {"accept": True, "reject": False}
_FIELDS = {"id", "verdict", "rule", "before", "after", "comment", "page", "line"}


def decisions_path(source: Path | str, rules_dir: Path | None) -> Path:
    """Where the decisions for an input live: ``RULES/decisions/NAME.toml``, ``RULES`` being ``--rules``
    or ``rules/`` in the working folder.

    >>> decisions_path("raw/letters.txt", None).as_posix()
    'rules/decisions/letters.toml'
    """
    name = Path(source).name
    stem = name[: -len(".txt")] if name.endswith(".txt") else name
    return Path(rules_dir or "rules") / DECISIONS_FOLDER / f"{stem}.toml"


def parse_decisions(text: str, where: str) -> tuple[tuple[str, bool], ...]:
    """Read a decisions file into ``(id, accepted)`` pairs, with a one-line error naming what is wrong.

    >>> parse_decisions('[[decision]]\\nid = "ab12"\\nverdict = "reject"\\n', "d.toml")
    (('ab12', False),)
    >>> parse_decisions('[[decision]]\\nid = "ab12"\\nverdict = "maybe"\\n', "d")
    Traceback (most recent call last):
    pipeline.core.errors.RulesError: d: decision 1 (ab12): verdict must be "accept" or "reject", not 'maybe'
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"{where}: not valid TOML: {error}") from None
    unknown = set(data) - {"decision"}
    if unknown:
        raise RulesError(f"{where}: unknown table {sorted(unknown)[0]!r}; write decisions as [[decision]]")
    entries = data.get("decision", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise RulesError(f"{where}: 'decision' must be an array of tables ([[decision]])")
    verdicts: dict[str, bool] = {}
    for number, entry in enumerate(entries, start=1):
        change_id = entry.get("id")
        if not isinstance(change_id, str) or not change_id.strip():
            raise RulesError(f'{where}: decision {number} has no id (id = "..." from the change log)')
        label = f"{where}: decision {number} ({change_id})"
        extra = set(entry) - _FIELDS
        if extra:
            raise RulesError(
                f"{label}: unknown key {sorted(extra)[0]!r}; keys are {', '.join(sorted(_FIELDS))}"
            )
        verdict = entry.get("verdict")
        if verdict not in VERDICTS:
            raise RulesError(f'{label}: verdict must be "accept" or "reject", not {verdict!r}')
        if verdicts.get(change_id, VERDICTS[verdict]) != VERDICTS[verdict]:
            raise RulesError(f"{label}: the same id is both accepted and rejected")
        verdicts[change_id] = VERDICTS[verdict]
    return tuple(verdicts.items())


def load_decisions(path: Path) -> tuple[tuple[str, bool], ...]:
    """The decisions in ``path``, or none when there is no such file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: cannot read the decisions file ({error})") from None
    return parse_decisions(text, str(path))


def with_decisions(settings: Settings, source: Path | str) -> Settings:
    """The settings for one input: the run's settings plus that input's decisions file, if any."""
    return replace(settings, decisions=load_decisions(decisions_path(source, settings.rules_dir)))


def stale_decisions(settings: Settings, present: Container[str], source: Path | str) -> list[str]:
    """A warning line for each decision whose change is not among the ids of this run's log."""
    path = decisions_path(source, settings.rules_dir)
    return [
        f"{path}: decision {change_id} matches no change in this run; the scan or the rules changed, "
        "review it again or remove it"
        for change_id, _ in settings.decisions
        if change_id not in present
    ]
