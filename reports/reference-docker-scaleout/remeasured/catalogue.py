"""Dagster's catalogue of 1,000 in containers, measured alone (after the reload-timeout fix):
`.venv/bin/python reports/reference-docker-scaleout/remeasured/catalogue.py OUT`."""

import json
import sys
from pathlib import Path

from bench.kit.runtimes import use_runtime
from bench.measure.probes.catalogue import measure_catalogue
from bench.measure.runs import DEFAULT_DATASET

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)

with use_runtime("docker"):
    case = measure_catalogue(
        "dagster",
        "default",
        out / "run",
        DEFAULT_DATASET,
        None,
        on_phase=lambda p: print(p, flush=True),
        count=1000,
    )
(out / "case.json").write_text(json.dumps(case.to_dict(), indent=1))
print("error:", case.error)
for r in case.runs[:1]:
    print({k: v for k, v in r.items() if not isinstance(v, (list, dict))})
