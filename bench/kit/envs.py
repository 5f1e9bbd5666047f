"""One virtual environment per implementation, created on first use and cached.

Orchestrators pin conflicting versions of the same libraries (two of ours need SQLAlchemy 2
and SQLAlchemy < 2; docs/environment.md), so they cannot share an environment; giving every
implementation its own (from its own lock file) also mirrors the containers each one gets
later. Environments live in `$BENCH_HOME/envs/<impl>-<hash>`, keyed by the lock file's
content: edit a lock and the next run builds a fresh one. uv builds even a ~135-package
environment in seconds from its cache.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.kit.errors import BenchError
from bench.kit.home import REPO, bench_home

COMPLETE_MARKER = ".complete"


def lock_file(impl: str) -> Path:
    return REPO / "pipelines" / impl / "requirements.lock"


def env_dir(impl: str) -> Path:
    lock = lock_file(impl)
    if not lock.exists():
        raise BenchError(f"{lock}: no lock file for {impl!r}; run `make lock`")
    key = hashlib.sha256(lock.read_bytes() + sys.version.encode()).hexdigest()[:12]
    return bench_home() / "envs" / f"{impl}-{key}"


def _uv() -> str:
    from uv import find_uv_bin

    return find_uv_bin()


def _uv_env() -> dict[str, str]:
    """uv trusts the machine's certificate store, as pip and curl do (its own bundle
    refused a proxy the system trusts: every download failed for a new user there)."""
    return {**os.environ, "UV_SYSTEM_CERTS": os.environ.get("UV_SYSTEM_CERTS", "1")}


def ensure_env(impl: str) -> Path:
    """Return the environment for `impl`, building it first if needed (safe in parallel)."""
    target = env_dir(impl)
    if (target / COMPLETE_MARKER).exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)  # a second process waits, then finds it built
        if (target / COMPLETE_MARKER).exists():
            return target
        shutil.rmtree(target, ignore_errors=True)
        python = getattr(sys, "_base_executable", sys.executable)
        for argv in (
            [_uv(), "venv", "-q", "--python", python, str(target)],
            [
                _uv(),
                "pip",
                "sync",
                "-q",
                "--python",
                str(target / "bin" / "python"),
                str(lock_file(impl)),
            ],
        ):
            done = subprocess.run(argv, capture_output=True, text=True, env=_uv_env())
            if done.returncode != 0:
                shutil.rmtree(target, ignore_errors=True)
                last = (done.stderr.strip().splitlines() or ["no output"])[-1]
                raise BenchError(f"could not build the {impl} environment: {last}")
        (target / COMPLETE_MARKER).touch()
    return target


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")  # every service the harness starts
FROM_SHELL = {  # the user's variables a service gets (exact names; prefixes end in _)
    *("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR"),
    *("LD_LIBRARY_PATH", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"),
    *("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"),
    *("NO_PROXY", "no_proxy", "DOCKER_HOST"),
    *("LC_", "XDG_", "BENCH_", "MOVIE_PIPELINE_"),
}


def shell_env() -> dict[str, str]:
    """The part of the user's environment any process the harness starts may see."""
    prefixes = tuple(p for p in FROM_SHELL if p.endswith("_"))
    return {k: v for k, v in os.environ.items() if k in FROM_SHELL or k.startswith(prefixes)}


def process_env(
    env: Path, extra: dict[str, str] | None = None, strip: Sequence[str] = ()
) -> dict[str, str]:
    """Environment variables for a process of that implementation: its venv first on PATH,
    the repository importable (the shared core), and from the user's shell only what a
    process needs to run (`FROM_SHELL`: locale, home, temp folder, certificates, proxies) —
    not the tokens and credentials a shell also holds. Variables starting with a `strip`
    prefix (the orchestrator's own settings, from its manifest) are named in a warning, so
    a stray one is not silently ignored either; `extra` (the config's settings) comes
    after. Local addresses bypass any proxy: with `http_proxy` set, a health check of
    127.0.0.1 would go through it and time out."""
    base = shell_env()
    stray = sorted(k for k in os.environ if k.startswith(tuple(strip)))
    if stray:
        names = ", ".join(stray)
        warn_once(f"ignoring {names} from your shell: a config's settings come from its manifest")
    bypass = ",".join(dict.fromkeys([*_listed(base.get("NO_PROXY")), *LOCAL_HOSTS]))
    base.update(
        {
            "PATH": f"{env / 'bin'}{os.pathsep}{base.get('PATH', '')}",
            "VIRTUAL_ENV": str(env),
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
            "NO_PROXY": bypass,
            "no_proxy": bypass,
        }
    )
    base.update(extra or {})
    return base


def _listed(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").split(",") if x.strip()]


_warned: set[str] = set()


def warn_once(message: str) -> None:
    """One line on stderr, once per message and process (an adapter starts many processes)."""
    if message not in _warned:
        _warned.add(message)
        print(f"warning: {message}", file=sys.stderr)
