"""Loading the rules a user may tune: `rules/NAME.toml`, a user's folder over it, and per-run overrides.

Every value is read through a typed getter that names the file and key when something is wrong, so a
typo in a rules file gives one clear line instead of a traceback deep inside a stage.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.core.errors import RulesError

_PACKAGE = Path(__file__).resolve().parent.parent


def default_rules_dir() -> Path:
    """The shipped rules: inside the installed package, or the repository's `rules/` in a checkout."""
    packaged = _PACKAGE / "default_rules"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "rules"


_MISSING: Any = object()


class RuleTable:
    """A validated view of one rules table.

    >>> table = RuleTable("typography", {"style": "curly", "em_dash": True})
    >>> table.text("style", choices=("curly", "straight")), table.flag("em_dash")
    ('curly', True)
    >>> table.text("style", choices=("straight",))
    Traceback (most recent call last):
    pipeline.core.errors.RulesError: rules/typography.toml: 'style' must be one of straight, not 'curly'
    """

    def __init__(self, where: str, data: dict[str, Any], prefix: str = "") -> None:
        self.where = where
        self.data = data
        self.prefix = prefix

    def _fail(self, key: str, problem: str) -> RulesError:
        return RulesError(f"rules/{self.where}.toml: '{self.prefix}{key}' {problem}")

    def _value(self, key: str, default: Any) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise self._fail(key, "is missing")
        return default

    def flag(self, key: str, default: Any = _MISSING) -> bool:
        value = self._value(key, default)
        if not isinstance(value, bool):
            raise self._fail(key, f"must be true or false, not {value!r}")
        return value

    def number(
        self, key: str, default: Any = _MISSING, *, low: float | None = None, high: float | None = None
    ) -> float:
        value = self._value(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, f"must be a number, not {value!r}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise self._fail(key, f"must be {_range(low, high)}, not {value}")
        return value

    def integer(
        self, key: str, default: Any = _MISSING, *, low: int | None = None, high: int | None = None
    ) -> int:
        value = self.number(key, default, low=low, high=high)
        if not isinstance(value, int):
            raise self._fail(key, f"must be a whole number, not {value!r}")
        return value

    def text(self, key: str, default: Any = _MISSING, *, choices: Iterable[str] | None = None) -> str:
        value = self._value(key, default)
        if not isinstance(value, str):
            raise self._fail(key, f"must be a string, not {value!r}")
        if choices is not None and value not in choices:
            raise self._fail(key, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def strings(self, key: str, default: Any = _MISSING) -> tuple[str, ...]:
        value = self._value(key, default)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._fail(key, "must be a list of strings")
        return tuple(value)

    def pairs(self, key: str, default: Any = _MISSING) -> tuple[str, ...]:
        """A list of two-character strings: an opening mark and its closing one (``«»``)."""
        value = self.strings(key, default)
        if not all(len(item) == 2 for item in value):
            raise self._fail(key, "must be a list of two-character strings, an opening and a closing mark")
        return value

    def table(self, key: str, default: Any = _MISSING) -> RuleTable:
        value = self._value(key, default)
        if not isinstance(value, dict):
            raise self._fail(key, "must be a table")
        return RuleTable(self.where, value, f"{self.prefix}{key}.")

    def tables(self, key: str, default: Any = _MISSING) -> list[RuleTable]:
        """An array of tables (``[[key]]`` in TOML), each as a ``RuleTable``."""
        value = self._value(key, default)
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self._fail(key, "must be an array of tables ([[...]])")
        return [RuleTable(self.where, item, f"{self.prefix}{key}[{i}].") for i, item in enumerate(value)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)


def parse_override(assignment: str) -> tuple[str, str, Any]:
    """Split ``file.key.path=value`` into file name, key path and a TOML-typed value.

    >>> parse_override("typography.style=straight")
    ('typography', 'style', 'straight')
    >>> parse_override("furniture.blank_lines_per_break=4")
    ('furniture', 'blank_lines_per_break', 4)
    """
    target, equals, literal = assignment.partition("=")
    name, dot, key = target.strip().partition(".")
    if not equals or not dot or not key:
        raise RulesError(
            f"--set {assignment!r}: write it as FILE.KEY=VALUE, for example typography.style=straight"
        )
    try:
        value = tomllib.loads(f"v = {literal.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = literal.strip()
    return name, key, value


@lru_cache(maxsize=64)
def load_rules(name: str, user_dir: Path | None = None, overrides: tuple[str, ...] = ()) -> RuleTable:
    """Read ``rules/NAME.toml``, lay a user's ``NAME.toml`` and ``--set`` overrides over it, and cache it."""
    data = _read_toml(default_rules_dir() / f"{name}.toml", required=False)
    if user_dir is not None:
        _merge(data, _read_toml(Path(user_dir) / f"{name}.toml", required=False))
    for assignment in overrides:
        file_name, key, value = parse_override(assignment)
        if file_name == name:
            _merge(data, _nest(key.split("."), value))
    return RuleTable(name, data)


def _read_toml(path: Path, *, required: bool) -> dict[str, Any]:
    if not path.is_file():
        if required:
            raise RulesError(f"{path}: no such rules file")
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: not valid TOML: {error}") from None


def _nest(keys: list[str], value: Any) -> dict[str, Any]:
    for key in reversed(keys):
        value = {key: value}
    return value


def _merge(base: dict[str, Any], overlay: dict[str, Any]) -> None:
    """Lay ``overlay`` over ``base`` in place: tables merge key by key, anything else is replaced."""
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


def _range(low: float | None, high: float | None) -> str:
    """The allowed range in words.

    >>> _range(0, 1), _range(1, None), _range(None, 100)
    ('between 0 and 1', 'at least 1', 'at most 100')
    """
    if low is not None and high is not None:
        return f"between {low} and {high}"
    return f"at least {low}" if low is not None else f"at most {high}"
