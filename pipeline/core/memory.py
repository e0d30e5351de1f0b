"""Giving the memory a stage freed back to the system while a large document is cleaned.

glibc keeps the heap memory Python frees for its own later use, so each stage's passing lists and
strings stay in the process's size, and the next stage's copy of the text comes on top of them. Asking
glibc to return what is free (``malloc_trim``) costs about a millisecond, so it is done for large texts
only, where a stage takes far longer.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import lru_cache

# Texts of this many characters and more are worth the call after each stage.
LARGE_TEXT = 1_000_000


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or ``None`` where the C library has none (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:
        return None


def release_freed_memory(text_length: int) -> None:
    """Return the heap memory freed so far to the system, when the text is large enough to be worth it.

    >>> release_freed_memory(LARGE_TEXT)
    """
    trim = _malloc_trim() if text_length >= LARGE_TEXT else None
    if trim is not None:
        trim(0)
