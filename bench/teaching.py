"""Small helpers the tutorial notebooks share, so a notebook shows the tested code itself
(never a pasted copy), runs the command lines a student types, and grades the student's
exercises (the figures are bench.diagrams').

An exercise is a cell tagged `exercise` in which the student replaces `...` with a
prediction or with code; the check cell after it calls `grade`, which prints one line —
`✓ … correct`, or `✗ … not yet` with a hint (too high, too low, not written yet) — and
never the expected value. `tutorials/solutions/` holds a solved copy of every exercise
cell (bench.tutorials runs each notebook with the blanks and with the solutions).
"""

from __future__ import annotations

import inspect
import math
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.kit.home import REPO
from pipelines.core.instrument import read_events


def source(target, start: str | None = None, end: str | None = None) -> str:
    """The source of a function or class, or of a repository file (from the first line
    that starts with `start` up to the line before the next one that starts with `end`),
    as a Markdown code block."""
    if isinstance(target, str | Path):
        path = REPO / target
        lines = path.read_text().splitlines()
        first = next((i for i, line in enumerate(lines) if start and line.startswith(start)), 0)
        last = next(
            (i for i, ln in enumerate(lines) if end and i > first and ln.startswith(end)),
            len(lines),
        )
        text, where = "\n".join(lines[first:last]).rstrip(), f"{target}, line {first + 1}"
    else:
        text = inspect.getsource(target).rstrip()
        where = f"{inspect.getsourcefile(target).removeprefix(str(REPO) + '/')}"
    language = "toml" if str(target).endswith(".toml") else "python"
    return f"*{where}*\n\n```{language}\n{text}\n```"


PASSED, NOT_YET = "✓", "✗"  # the first character of every line `grade` prints


def grade(
    exercise: str, answer: Any, expected: Any, *, tolerance: float = 0.0, hint: str = ""
) -> None:
    """Print whether `answer` (the student's) matches `expected` (what this run measured
    or computed), without showing `expected`. Numbers match within `tolerance` (a
    fraction of `expected`: 0.1 is ±10 %); text ignores case and surrounding spaces;
    `...` or None means "not written yet". `hint` is said when it does not match.
    Returns nothing, so a check cell shows its verdict line and no stray `False`."""
    if answer is ... or answer is None:
        verdict = "not yet: nothing written (it still says `...`)"
    elif _matches(answer, expected, tolerance):
        print(f"{PASSED} {exercise}: correct")
        return
    elif _number(answer) and _number(expected):
        side = "too high" if answer > expected else "too low"
        verdict = f"not yet: {side}" + (f"; {hint}" if hint else "")
    else:
        verdict = "not yet" + (f": {hint}" if hint else "")
    print(f"{NOT_YET} {exercise}: {verdict}")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _matches(answer: Any, expected: Any, tolerance: float) -> bool:
    if isinstance(answer, bool) != isinstance(expected, bool):  # True is not the number 1
        return False
    if _number(answer) and _number(expected):
        return math.isclose(answer, expected, rel_tol=tolerance, abs_tol=1e-9)
    if isinstance(answer, str) and isinstance(expected, str):
        return answer.strip().lower() == expected.strip().lower()
    return answer == expected


def _command(impl: str, command: str, folder: Path, env: dict[str, str] | None):
    """A typed command line as argv, with the environment `shell` describes."""
    import os
    import shlex

    from bench.kit.envs import ensure_env, process_env

    where = ensure_env(impl)
    variables = process_env(where, env)
    variables["PYTHONPATH"] = os.pathsep.join([str(folder), str(REPO)])
    argv = shlex.split(command)
    argv[0] = str(where / "bin" / argv[0])  # the environment's program, as `activate` would
    return argv, variables


def _run(impl: str, command: str, folder: Path, env: dict[str, str] | None):
    import subprocess

    argv, variables = _command(impl, command, folder, env)
    return subprocess.run(argv, env=variables, cwd=folder, capture_output=True, text=True)


@contextmanager
def serving(impl: str, command: str, folder: Path, env: dict[str, str] | None = None):
    """Keep a long-running command the student typed (a script that serves, a worker)
    going while the with-block runs, as a second terminal would; its whole process group
    is stopped afterwards, whatever happened. Yields the file its output goes to."""
    from bench.kit.processes import spawn, stop_group

    argv, variables = _command(impl, command, folder, env)
    log = folder / f"{Path(argv[-1]).stem}.log"
    process = spawn(argv, variables, log, cwd=folder)
    try:
        yield log
    finally:
        stop_group(process.pid)


def shell(impl: str, command: str, folder: Path, env: dict[str, str] | None = None) -> None:
    """Run a command line the student typed (`PROGRAM --module ... --flag`) as a
    terminal with `impl`'s environment activated would: its programs first on PATH, the
    repository and `folder` (where the student's module is) importable, `env` on top (a
    running stack's settings). Prints the last lines it printed (a summary, where the
    program ends with one) and its exit code if not 0."""
    done = _run(impl, command, folder, env)
    print("\n".join((done.stdout + done.stderr).strip().splitlines()[-20:]))
    if done.returncode:
        print(f"(exit code {done.returncode})")


def output_of(impl: str, command: str, folder: Path) -> str:
    """The last line a command printed on stdout, run as `shell` runs it ("" if none)."""
    lines = _run(impl, command, folder, None).stdout.strip().splitlines()
    return lines[-1] if lines else ""


def still_blank(path: Path) -> bool:
    """Whether a file the student writes still has a line that is only `...`."""
    return any(line.strip() == "..." for line in Path(path).read_text().splitlines())


def started_tasks(event_log: Path, since: int = 0) -> list[str]:
    """Task ids that started, in order, among the events after the first `since` lines."""
    if not Path(event_log).exists():
        return []
    events = read_events(event_log)[since:]
    return [e["task_id"] for e in events if e["event"] == "start"]


def event_count(event_log: Path) -> int:
    return len(read_events(event_log)) if Path(event_log).exists() else 0
