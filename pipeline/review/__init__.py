"""Reviewing change logs: in the terminal, as an HTML page, against an older log, and the decisions."""
