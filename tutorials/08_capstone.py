# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08 · Capstone: add an orchestrator and get it into the report
#
# **You will:** add an orchestrator of your choice as a sixth implementation — Hamilton,
# a minimal scheduler on Python's `graphlib`, or any other — take it through `bench
# verify` until its results are identical to the baseline's, and measure it in a quick
# `bench compare`. This notebook grades both: it runs them on your implementation.
#
# **Time:** an afternoon to a few days (the notebook itself: 3 minutes once your
# implementation is written). **Prerequisites:** 00–07; 06 shows the scaffold.

# %% tags=["parameters"]
COMPARE_TIMEOUT_S = 1800  # the quick compare of your implementation

# %% [markdown]
# ## The assignment
# 1. `bench new NAME` writes `pipelines/NAME/` (lesson 06): a manifest, an adapter, a
#    pipeline file, a Dockerfile, a README with the steps and a test. Every place that
#    needs you says `BENCH-TODO`.
# 2. Write the pipeline in your orchestrator's own idiom — each task calls one function of
#    `pipelines.core.steps`, in the order of `pipelines/core/graph.py` (the Airflow DAG,
#    the Luigi tasks, the Prefect flow and the Dagster job are four worked examples).
# 3. Write the adapter: `submit(date)` starts a run and returns a handle, `wait(handle,
#    timeout)` blocks until it is done or raises `BenchError` with one line; `start()` if
#    your orchestrator has services. `submit_workload(label)` lets the scheduling scenarios
#    (chains, fan-outs) run on it too.
# 4. The manifest: title, the package and version you lock, a colour, and the
#    `[architecture]` of your orchestrator (lessons 02–07 drew the others'). Add the
#    package to `requirements.in`, then `make lock`.
# 5. `bench verify NAME` until it says the results are identical; then `bench compare
#    --profile quick --impl NAME`.
#
# The smallest honest answer is a scheduler of twenty lines: `graphlib.TopologicalSorter`
# hands out the steps whose upstream ones are done, a thread pool runs them. It is a fine
# first capstone — and the report will show what it costs compared with the baseline.
#
# **Your answer.** Write the name of your implementation (its folder under `pipelines/`).

# %% tags=["exercise"]
NAME = ...  # e.g. "my_graphlib"

# %%
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from IPython.display import display

from bench.diagrams import architecture_diagram
from bench.kit.home import REPO
from bench.scaffold import remove_implementation
from bench.teaching import grade

BENCH = Path(sys.executable).with_name("bench")  # the harness's command, in .venv
written = NAME is not ... and (REPO / "pipelines" / str(NAME)).is_dir()
if NAME is not ... and not written:
    print(f"there is no pipelines/{NAME}/: run `bench new {NAME}` first")


def bench(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """A `bench` command, as you would type it; its last lines printed."""
    plain = os.environ | {"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "110"}  # no colours
    done = subprocess.run(
        [str(BENCH), *args], capture_output=True, text=True, timeout=timeout, env=plain
    )
    print("\n".join((done.stdout + done.stderr).strip().splitlines()[-12:]))
    return done


# %% [markdown]
# ## Your architecture
# Drawn from the `[architecture]` table of your manifest, as the others' were:

# %%
if written:
    display(architecture_diagram(NAME))

# %% [markdown]
# ## Check 1: `bench verify`
# It refuses to run anything while a `BENCH-TODO` is left or the manifest and the adapter
# disagree, then runs the movie pipeline on your implementation and on the baseline and
# compares every output, value by value.

# %%
verified = None
if written:
    verified = bench("verify", NAME).returncode == 0
grade("1 · bench verify", verified, True, hint="the lines above say what is left")

# %% [markdown]
# ## Check 2: in a quick compare
# The quick profile runs every scenario that applies to your implementation — the movie
# pipeline, a chain, a fan-out, whatever your manifest's capabilities and faults claim —
# and writes the report with your implementation in it.

# %%
reported = None
if verified:
    out = Path(tempfile.mkdtemp(prefix="capstone-"))
    args = ("compare", "--profile", "quick", "--impl", NAME, "--out", str(out))
    compared = bench(*args, timeout=COMPARE_TIMEOUT_S)
    report = out / "report.md"
    results = json.loads((out / "results.json").read_text()) if compared.returncode == 0 else {}
    cases = [c for c in results.get("scenarios", []) if c["impl"] == NAME]
    reported = (
        compared.returncode == 0
        and any(m["impl"] == NAME and m["identical_results"] for m in results["movies"].values())
        and bool(cases)
        and not any(c.get("error") for c in cases)
        and NAME in report.read_text()
    )
    print(f"{len(cases)} scheduling cases measured; the report: {report}")
grade("2 · in the quick report", reported, True, hint="bench verify first")

# %% [markdown]
# ## What next
# Open the report: where does your implementation sit against the baseline on the chain's
# hand-over latency and the fan-out's parallelism? Then claim what your orchestrator can
# do — `capabilities` and `faults` in the manifest, with the methods they need — and run
# the standard profile to put numbers with intervals beside the others'. CONTRIBUTING.md
# has the rest (the Dockerfile, the docker runtime, the review).

# %%
# the solutions' copy carries a mark and is removed again; yours has none and stays
if NAME is not ... and (REPO / "pipelines" / str(NAME) / ".tutorial-solution").exists():
    remove_implementation(NAME)
print({"implementation": None if NAME is ... else NAME, "verified": verified, "reported": reported})
