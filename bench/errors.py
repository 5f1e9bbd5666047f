"""Errors the CLI turns into one line on stderr and a non-zero exit (never a traceback)."""

from __future__ import annotations


class BenchError(Exception):
    """A problem the user can fix: the message says what is wrong and how to fix it."""
