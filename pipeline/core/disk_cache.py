"""Data built once from the installed word lists and kept on disk between runs (``~/.cache/scanclean``).

Reading a built table back is several times faster than building it, and a run with ``-j`` builds
nothing in the process its workers are forked from. A cached file is named by a digest of everything
it was built from, so a changed word list, setting or build recipe gives a new file; it is written to a
temporary name and renamed, so parallel runs never read half a file.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def cache_folder() -> Path:
    """Where built tables are kept: ``$XDG_CACHE_HOME/scanclean`` (``~/.cache/scanclean``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "scanclean"


def source_stamp(path: str | Path) -> tuple[int, int]:
    """Size and modification time of a file a table is built from: part of the table's key."""
    stat = Path(path).stat()
    return stat.st_size, stat.st_mtime_ns


def load_or_build(name: str, built_from: Any, build: Callable[[], Any], folder: Path | None) -> Any:
    """The value ``build()`` gives for ``built_from`` (a repr-able key), read from ``folder`` when an
    earlier run kept it there; built (and kept) otherwise. ``folder=None`` builds without a cache.

    The value must be made of what ``marshal`` writes (str, int, float, bytes, tuples, lists, dicts); a
    value read back keeps the order of its dicts and which of its strings are one object.
    """
    if folder is None:
        return build()
    key = hashlib.sha256(repr(built_from).encode()).hexdigest()[:16]
    path = folder / f"{name}-{sys.implementation.cache_tag}-{key}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass  # not cached yet, or unreadable: build it
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(marshal.dumps(value))
        partial.replace(path)  # atomic: parallel runs never read half a file
    except OSError:
        pass  # a read-only or full disk: built again next time
    return value
