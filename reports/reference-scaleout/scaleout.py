"""Scale-out reference: for each IMPL and each K, one stack of the default config with K
workers of one task each (bench.measure.scenarios, the `scaleout` scenario), a warm-up run
and 3 measured runs of a fan-out of eight half-second tasks; `docker` in the runtime
argument puts every worker in a container of its own.

    .venv/bin/python reports/reference-scaleout/scaleout.py OUT luigi,prefect 2,4 local
    .venv/bin/python reports/reference-scaleout/scaleout.py OUT prefect 4 docker   # .ci/docker-engine first

Writes OUT/cases.json (each case's results, as a compare stores them) and OUT/events/ (each
stack's raw event log), and prints the makespan and the workers used per case.
"""

import json
import shutil
import sys
import time
from pathlib import Path

from bench.kit.runtimes import use_runtime
from bench.measure.plan import Case
from bench.measure.scenarios import measure_case
from bench.measure.stats import estimate, format_estimate

WORKLOAD, REPEAT = "fanout:8:sleep:0.5", 3

out, impls, sizes, runtime = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
(out / "events").mkdir(parents=True, exist_ok=True)
store = out / "cases.json"
done = json.loads(store.read_text()) if store.exists() else []
for impl in impls.split(","):
    for k in map(int, sizes.split(",")):
        folder = out / f"{impl}-{runtime}-k{k}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        started = time.monotonic()
        with use_runtime(runtime):
            case = measure_case(impl, "default", Case("scaleout", WORKLOAD, k), REPEAT, folder)
        runs = case.measured
        makespan = estimate([r["makespan_s"] for r in runs]) if runs else None
        print(
            f"{impl} {runtime} K={k}: {time.monotonic() - started:.0f} s, makespan "
            f"{format_estimate(makespan) if makespan else '–'}, workers "
            f"{[r['workers'] for r in runs]}, error {case.error!r}",
            flush=True,
        )
        events = out / "events" / f"scaleout-{impl}-{runtime}-k{k}.jsonl"
        shutil.copy(case.events, events)
        case.events = str(events.relative_to(out))
        done.append({**case.to_dict(), "runtime": runtime})
        store.write_text(json.dumps(done, indent=1))
        shutil.rmtree(folder)  # the landed data; the events are kept above
