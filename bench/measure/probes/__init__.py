"""Probes of the feature table's claims: each drives one real stack once and returns its
run as a case of results.json (calendar.py: backfill and own schedule; deploy.py: a new
pipeline deployed into the running stack)."""

from __future__ import annotations

from bench.results import CaseResult


def probe_result(adapter, scenario: str, workload: str, run: dict) -> CaseResult:
    """A probe's one run as a case of results.json (the shape the other scenarios have);
    it names an event log only if the probe's tasks wrote one."""
    events = adapter.event_log
    return CaseResult(
        adapter.name,
        adapter.config,
        scenario,
        workload,
        adapter.slots,
        runs=[run],
        variant=adapter.variant,
        startup_s=round(adapter.startup_seconds, 3),
        events=str(events) if events.exists() else None,
    )
