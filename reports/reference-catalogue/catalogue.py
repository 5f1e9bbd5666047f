"""Catalogue reference: for each IMPL and each N, one stack of the default config; N trivial
pipelines deployed into it (bench.measure.probes.catalogue): time until all are listed,
idle cost before and after (30 s each), then 3 of them run one at a time.

    .venv/bin/python reports/reference-catalogue/catalogue.py OUT airflow,prefect,dagster 10,100,1000
    .venv/bin/python reports/reference-catalogue/catalogue.py OUT render   # table + figure
"""

import json
import shutil
import sys
import time
from pathlib import Path

from bench.measure.probes.catalogue import measure_catalogue
from bench.measure.runs import DEFAULT_DATASET
from bench.results import CaseResult

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
store = out / "cases.json"
if sys.argv[2] == "render":
    from bench.report.catalogue import CATALOGUE_HEADER, catalogue_figure, catalogue_rows
    from bench.report.markdown import md_table

    cases = [CaseResult.from_dict(c) for c in json.loads(store.read_text())]
    print(md_table(CATALOGUE_HEADER, catalogue_rows(cases)))
    print(catalogue_figure(cases, out / "catalogue.png"))
    sys.exit()
done = json.loads(store.read_text()) if store.exists() else []
for impl in sys.argv[2].split(","):
    for count in map(int, sys.argv[3].split(",")):
        folder = out / f"{impl}-default-{count}"
        shutil.rmtree(folder, ignore_errors=True)
        started = time.monotonic()
        case = measure_catalogue(impl, "default", folder, DEFAULT_DATASET, count=count)
        (run,) = case.runs
        print(
            f"{impl} N={count}: {time.monotonic() - started:.0f} s, known {run.get('until_known_s')} s,"
            f" triggers {[t['until_start_s'] for t in run.get('triggers', [])]}, error {run['error']!r}",
            flush=True,
        )
        events = folder / "events.jsonl"
        if case.events:
            shutil.copy(case.events, events)
            case.events = str(events.relative_to(out))
        done = [c for c in done if (c["impl"], c["workload"]) != (impl, case.workload)]
        done.append(case.to_dict())  # a count measured again replaces the earlier one
        store.write_text(json.dumps(done, indent=1))
