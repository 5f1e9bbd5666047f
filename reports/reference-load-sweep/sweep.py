"""Load sweep: batches of 4 and 16 runs of fanout:4:sleep:0.2 at 4 slots, 3 batches each
(+ a discarded warm-up batch), every implementation's default config, one stack each."""

import json
import sys
import time
from pathlib import Path

from bench.measure.plan import Case
from bench.measure.scenarios import Measurement, measure_cases
from bench.measure.stats import estimate, format_estimate

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
pairs = [p.split("/") for p in sys.argv[2].split(",")]
batches = [int(b) for b in sys.argv[3].split(",")]
cases = []
for impl, config in pairs:
    stack = out / f"stack-{impl}-{config}"
    ms = []
    for b in batches:
        case = Case("load", "fanout:4:sleep:0.2", 4, repeat=3, batch=b)
        folder = stack / f"load-b{b}"
        folder.mkdir(parents=True, exist_ok=True)
        ms.append(Measurement(case, folder, 3))
    t = time.monotonic()
    results = measure_cases(impl, config, ms, stack, timeout=1200)
    print(f"{impl}/{config}: {time.monotonic() - t:.0f} s", flush=True)
    for r in results:
        m = r.measured
        rps = estimate([x["runs_per_s"] for x in m])
        p95 = estimate([x["run_latency_s"]["p95"] for x in m])
        q99 = estimate([x["queue_wait_s"]["p99"] for x in m])
        cont = sum(1 for x in m if (x.get("resources") or {}).get("contaminated"))
        print(
            f"  b={r.batch} runs/s {format_estimate(rps)}  tasks/s {format_estimate(estimate([x['tasks_per_s'] for x in m]))}  latency p95 {format_estimate(p95)}  queue p99 {format_estimate(q99)}  complete {len(m)}/{len(r.runs)} contaminated {cont} error {r.error}",
            flush=True,
        )
        cases.append(r.to_dict())
(out / "cases.json").write_text(json.dumps(cases, indent=1))
