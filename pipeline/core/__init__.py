"""The small core every stage builds on: documents, edits, the change log, settings and rules."""
