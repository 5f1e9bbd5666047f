"""Errors the CLI turns into one line on stderr and a non-zero exit (never a traceback)."""

from __future__ import annotations

from pathlib import Path

import jsonschema


class BenchError(Exception):
    """A problem the user can fix: the message says what is wrong and how to fix it."""


def check_schema(document: object, schema: dict, source: Path) -> None:
    """Raise a one-line BenchError naming the file, the field and what is wrong with it."""
    try:
        jsonschema.validate(document, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        raise BenchError(f"{source}: {where}: {exc.message}") from None
