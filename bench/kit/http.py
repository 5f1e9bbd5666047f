"""A few lines of JSON over HTTP (stdlib only) for talking to orchestrator REST APIs.

Every URL the harness calls is a service it started on this machine, so no call goes through
a proxy: with `http_proxy` set and no `no_proxy`, urllib would send 127.0.0.1 to the proxy."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request
from typing import Any

_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy


def request_json(
    method: str,
    url: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> tuple[int, Any]:
    """(status, parsed JSON or text). Connection errors come back as status 0."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with _LOCAL.open(req, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, None
    try:
        return status, json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return status, raw.decode(errors="replace")


def probe_page(url: str, timeout: float = 10) -> dict[str, Any]:
    """Fetch a web page as a browser would: status, size, content type and time taken."""
    started = time.monotonic()
    try:
        with _LOCAL.open(url, timeout=timeout) as response:
            status, body = response.status, response.read()
            kind = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        status, body, kind = exc.code, b"", ""
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
        return {"url": url, "status": 0, "error": str(exc)}
    seconds = time.monotonic() - started
    return {
        "url": url,
        "status": status,
        "bytes": len(body),
        "content_type": kind,
        "seconds": seconds,
    }


def iso_ns(text: str) -> int:
    """An API's ISO-8601 timestamp (UTC, microseconds, as REST APIs write them) → integer ns
    since the epoch, exactly (no float rounding of the nanoseconds)."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000
