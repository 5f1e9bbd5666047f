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
# # 07 · Prefect: a flow is a function — run one, rerun it, write and serve your own
#
# **You will:** read the movie pipeline as a Prefect 3 flow, run it on a real Prefect
# server with a runner serving it, predict and see what a rerun of the same day does (and
# why it differs from Luigi's), then write a flow of your own, serve it from its own
# process with `serve()` and start a run with the `prefect` command. Graded as you go.
#
# **Time:** 15 minutes. **Prerequisites:** 00, 01, 02 (its rerun is the contrast).

# %% tags=["parameters"]
DATASET = "movielens-small"
TIMEOUT = 600  # seconds per pipeline run
DEPLOYED_WITHIN_S = 60  # how long to wait for your process to register its deployment

# %%
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from bench.diagrams import architecture_diagram
from bench.kit.home import REPO
from bench.kit.http import request_json
from bench.kit.manifest import adapter_class
from bench.measure.runs import land_dataset
from bench.teaching import event_count, grade, serving, shell, source, started_tasks, still_blank
from pipelines.core.layout import Layout

workdir = Path(tempfile.mkdtemp(prefix="tutorial-07-"))
layout = Layout(workdir)
date = land_dataset(workdir, DATASET)
Prefect = adapter_class("prefect")  # pipelines/prefect/adapter.py: how the harness drives it

# %% [markdown]
# ## The flow
# Prefect has no graph to declare: a flow is a Python function, each task a function it
# calls. `task.submit(...)` hands a call to the flow's task runner and returns a *future*;
# giving that future to the next task makes the next one wait for it. The graph is what
# the function did, recorded as it runs.

# %%
display(Markdown(source("pipelines/prefect/flow.py", "@flow(")))

# %% [markdown]
# What runs it here is Prefect's smallest production set-up: a server (API, UI, database)
# and a long-running *runner* — `serve()` — that asks the server for due runs of its
# deployments and starts each in a subprocess:

# %%
architecture_diagram("prefect")

# %% [markdown]
# **Exercise 1 · predict first.** The next cell runs the whole pipeline for one day, then
# *the same day again* with every output already written. In 02, Luigi ran nothing the
# second time. Of the tasks the first run ran, how many will Prefect run the second time:
# `"all"`, `"some"` or `"none"`?

# %% tags=["exercise"]
SECOND_RUN = ...  # "all", "some" or "none"

# %% [markdown]
# ## Run it, twice

# %%
with Prefect(workdir) as prefect:
    print(f"Prefect UI (while it runs): {prefect.dashboard_url}")
    prefect.wait(prefect.submit(date), TIMEOUT)
    first = started_tasks(prefect.event_log)
    print(len(first), "tasks ran:", ", ".join(first))
    seen = event_count(prefect.event_log)
    prefect.wait(prefect.submit(date), TIMEOUT)
    again = started_tasks(prefect.event_log, seen)
    print("the same day again:", len(again), "tasks ran")

# %%
rerun = "none" if not again else "all" if sorted(again) == sorted(first) else "some"
grade("1 · the second run", SECOND_RUN, rerun, hint="does a flow run look at files?")

# %% [markdown]
# ## Why: a flow run calls its functions
# Luigi asks every task `complete()` — "does my output exist?" — before running it; the
# files are its state. A Prefect flow run simply calls the flow function, and the function
# calls its tasks. Prefect *can* skip a task: a `cache_policy` (for example on the task's
# inputs) with its results persisted lets a later run reuse the first one's result. Neither
# is on by default, and the movie pipeline leaves them off: a step re-run here writes the
# same files again, atomically, so running it twice is safe — and honest about the work.
# State lives in the server's database instead: every flow run and task run, their states
# and logs, which is what the UI shows.
#
# **Exercise 2 · build.** Open `tutorials/exercises/movie_count_flow.py` in your editor
# and write `movie_count`: a flow of two tasks — count the day's distinct movies, then
# write the count — and, at the bottom, serve it as the deployment `tutorial`. Save it,
# then run the cells below.

# %% tags=["exercise"]
MODULE = REPO / "tutorials" / "exercises" / "movie_count_flow.py"  # yours

# %%
shutil.copy(MODULE, workdir / "movie_count_flow.py")
display(Markdown(source(MODULE.relative_to(REPO))))
blank = still_blank(MODULE)

# %% [markdown]
# A served flow is a process of its own: in a terminal you would start
# `python movie_count_flow.py` with `PREFECT_API_URL` pointing at the server, and leave it
# running. Here the lesson starts the server again, then your file beside it (as a second
# terminal would), and waits until the server lists your deployment. Then you start a run
# the way an operator does — `prefect deployment run FLOW/DEPLOYMENT` — and `--watch` it
# to the end.

# %%
deployment, tasks, counted = None, None, None
with Prefect(workdir) as prefect:
    if blank:
        print("movie_count_flow.py is not written yet: nothing to serve")
    else:
        with serving("prefect", "python movie_count_flow.py", workdir, prefect.env) as log:
            url = f"{prefect.api}/deployments/name/movie-count/tutorial"
            waited = time.monotonic() + DEPLOYED_WITHIN_S
            while request_json("GET", url)[0] != 200 and time.monotonic() < waited:
                time.sleep(1)
            status, deployment = request_json("GET", url)
            if status != 200:
                deployment = None
                print(f"no deployment movie-count/tutorial after {DEPLOYED_WITHIN_S} s;")
                print("your process said:", log.read_text()[-1500:])
            else:
                run = f"movie-count/tutorial -p day={date} -p workdir={workdir} --watch"
                shell("prefect", f"prefect deployment run {run}", workdir, prefect.env)
        query = {"flows": {"name": {"any_": ["movie-count"]}}}
        _, runs = request_json("POST", f"{prefect.api}/task_runs/filter", query)
        tasks = sorted({r["name"].rsplit("-", 1)[0] for r in runs or []}) or None
    written = workdir / f"movie_count_flow-{date}.txt"
    counted = written.read_text().strip() if written.exists() else None

# %%
expected = str(pd.read_parquet(layout.clean_ratings(date))["movieId"].nunique())
grade("2a · served", None if blank else deployment is not None, True, hint="serve(name=...)")
grade("2b · its tasks", tasks, ["count_movies", "write_count"], hint="two @task functions")
grade("2c · the count", counted, expected, hint="distinct movieId of the clean ratings")

# %% [markdown]
# ## What you saw
# - A flow is a function; the graph is what it called. Reruns run it again: Prefect keeps
#   its state in the server's database (runs, task runs, states, logs), not in your files.
# - `serve()` is deployment and worker in one process: it registers the deployment, then
#   polls the server for its runs and starts each in a subprocess. Stop it and the
#   deployment stays listed, but nothing runs it.
# - `prefect deployment run` only asks the server for a run; a process serving that
#   deployment starts it.
#
# ## More to try (not graded)
# 1. Give `count_movies` `cache_policy=INPUTS` (from `prefect.cache_policies`) and
#    `persist_result=True`, run the deployment twice: how many task runs does the second
#    flow run record as `Cached`?
# 2. Stop your serving process (interrupt the cell) while a run is scheduled: what state
#    does the run stay in? Start the process again: what happens to it?
# 3. `bench compare --impl prefect,luigi` measures what this lesson showed by hand: what
#    does the report's recovery table say each one redoes after a worker is killed?

# %%
assert first and set(again) <= set(first), (first, again)
assert counted is None or counted.isdigit()
print({"first run": len(first), "second run": len(again), "your flow's tasks": tasks})
