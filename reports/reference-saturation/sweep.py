"""Saturation sweep: for each IMPL/CONFIG=BATCH:REPEAT, REPEAT sweeps of `fanout:4:sleep:0.2`
at 4 slots (+ a discarded warm-up batch): a closed-loop batch of BATCH runs, then runs
arriving at 0.5, 0.8, 1, 1.25, 1.6, 2 × its runs/s until the stack falls behind
(bench.measure.load). Prints the report's sweep table and draws its figure.

    .venv/bin/python reports/reference-saturation/sweep.py OUT luigi/default=16:3,...
"""

import json
import sys
import time
from pathlib import Path

from bench.measure.plan import SWEEP, Case
from bench.measure.scenarios import Measurement, measure_cases
from bench.report.load import SWEEP_HEADER, sweep_figure, sweep_row
from bench.report.markdown import md_table

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
results = []
for item in sys.argv[2].split(","):
    pair, shape = item.split("=")
    impl, config = pair.split("/")
    batch, repeat = (int(x) for x in shape.split(":"))
    case = Case("load", "fanout:4:sleep:0.2", 4, repeat=repeat, batch=batch, rates=SWEEP)
    folder = out / f"{impl}-{config}"
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    (result,) = measure_cases(impl, config, [Measurement(case, folder, repeat)], folder, 1800)
    print(f"{impl}/{config}: {time.monotonic() - started:.0f} s, error {result.error}", flush=True)
    print("  " + " | ".join(sweep_row(result)), flush=True)
    results.append(result)
(out / "cases.json").write_text(json.dumps([r.to_dict() for r in results], indent=1))
print(md_table(SWEEP_HEADER, [sweep_row(r) for r in results]))
print(sweep_figure(results, out / "load-sweep.png"))
