"""Errors a user can cause. The command catches them once and prints their one-line message."""


class ScancleanError(Exception):
    """Base of every error that is the input's or the user's, not a bug: printed without a traceback."""


class InputError(ScancleanError):
    """An input file cannot be cleaned: missing, unreadable, binary, empty, too large or undecodable."""


class RulesError(ScancleanError):
    """A rules file or a per-run override is malformed; the message names the file and the key."""


class RestoreError(ScancleanError):
    """A cleaned text and a change log do not belong together, so the raw text cannot be rebuilt."""


class StageError(Exception):
    """A stage proposed invalid edits. This is a bug in the stage, so it is not caught for the user."""


class OutputError(ScancleanError):
    """An output cannot be written (folder missing rights, disk full)."""
