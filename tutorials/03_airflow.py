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
# # 03 · Airflow: DAGs with TaskFlow, a sensor, schedules and backfill, `dag.test()`
#
# **You will:** read the movie pipeline as an Airflow 3 DAG, run it on a real Airflow
# (scheduler, dag-processor, api-server, a metadata database), watch its sensor wait for
# data that has not arrived, backfill two days with one request, and run a day with
# `airflow dags test` — no scheduler at all. Then you write a TaskFlow DAG of your own,
# trigger it with `airflow dags trigger` and test it with `airflow dags test`. Graded as
# you go.
#
# **Time:** 20 minutes (Airflow takes ~15 s to start). **Prerequisites:** 00–02.

# %% tags=["parameters"]
DATASET = "movielens-small"
TIMEOUT = 600
INCREMENT_ROWS = 1000

# %%
import datetime as dt
import json
import shutil
import subprocess
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
from bench.teaching import grade, shell, source, still_blank
from datasets.stream import emit
from pipelines.core.io import read_json
from pipelines.core.layout import Layout

workdir = Path(tempfile.mkdtemp(prefix="tutorial-03-"))
layout = Layout(workdir)
day0 = land_dataset(workdir, DATASET)
days = [day0 + dt.timedelta(days=n) for n in range(5)]
Airflow = adapter_class("airflow")  # pipelines/airflow/adapter.py


def version(day: dt.date) -> str | None:
    """Which model version the run for `day` published."""
    path = layout.published(day)
    return read_json(path)["version"] if path.exists() else None


# %% [markdown]
# ## The DAG
# A `@dag`-decorated function whose `@task` functions each call one step of the core. Calling
# a task inside the DAG function does not run it: it adds it to the graph, and passing one
# task's result to another draws the edge (the value travels through XCom — only a small
# summary; the data stays in the lake).

# %%
dag_file = "pipelines/airflow/dags/movie_pipeline.py"
display(Markdown(source(dag_file, "    @task.sensor", "    ingested = ingest()")))

# %% [markdown]
# The tasks are wired by calling them; `>>` adds an edge where no value is passed:

# %%
display(Markdown(source(dag_file, "    ingested = ingest()", "movie_pipeline()")))

# %% [markdown]
# The first task is not an operator that *does* something but a **sensor** that *waits*
# for something: the day's partition. `mode="reschedule"` gives its worker slot back
# between pokes.

# %% [markdown]
# **Exercise 1 · predict first.** The cells below run day 0, then day 1 (triggered before
# its data lands), backfill days 2 and 3, and test day 4. Each run trains on everything
# so far and publishes a new model version to the registry, starting at `v0001`. Which
# versions will days 0–4 publish? (A list of five strings.)

# %% tags=["exercise"]
VERSIONS = ...  # e.g. ["v0001", ...]

# %% [markdown]
# **Exercise 2 · build.** Open `tutorials/exercises/movie_count_dag.py` in your editor and
# write the `movie_count` DAG: two TaskFlow tasks, one counting the day's distinct movies,
# one writing the count. The file says what goes where. Save it; the stack below deploys
# it beside the movie pipeline (a DAG file in the DAGs folder, as any deployment does).

# %% tags=["exercise"]
MODULE = REPO / "tutorials" / "exercises" / "movie_count_dag.py"  # yours

# %% [markdown]
# ## Run it, then watch the sensor wait
# The stack the adapter starts — three processes around one metadata database:

# %%
architecture_diagram("airflow")

# %% [markdown]
# Now start it, deploy your DAG beside the movie pipeline, and run both:

# %%
airflow = Airflow(workdir)
shutil.copy(MODULE, airflow.state_dir / "dags" / "movie_count_dag.py")  # deployed with it
with airflow:
    print(
        f"Airflow UI (while it runs): {airflow.dashboard_url} — started in {airflow.startup_seconds:.0f} s"
    )

    started = time.monotonic()
    first = airflow.submit(day0)  # POST /api/v2/dags/movie_pipeline/dagRuns
    airflow.wait(first, TIMEOUT)
    print(f"{day0}: done in {time.monotonic() - started:.1f} s, published {version(day0)}")
    timings = airflow.native_timings(first)  # task instances, from the metadata DB

    # day 1 is triggered before its data exists: the sensor pokes, gives its slot back, pokes...
    waiting = airflow.submit(days[1])
    url = f"{airflow.base_url}/api/v2/dags/movie_pipeline/dagRuns/{waiting}/taskInstances/wait_for_partition"
    states = []
    for _ in range(30):
        states.append(request_json("GET", url)[1].get("state"))
        if states[-1] == "up_for_reschedule":
            break
        time.sleep(1)
    print(
        "sensor states while the data is missing:",
        " → ".join(dict.fromkeys(s for s in states if s)),
    )
    landed_at = time.monotonic()
    emit(workdir, days[1], rows=INCREMENT_ROWS, seed=1)
    airflow.wait(waiting, TIMEOUT)
    print(
        f"{days[1]}: done {time.monotonic() - landed_at:.1f} s after its data landed, published {version(days[1])}"
    )

    # ## Backfill: one request, the scheduler creates one run per day of the @daily schedule
    for seed, day in enumerate(days[2:4], start=2):
        emit(workdir, day, rows=INCREMENT_ROWS, seed=seed)
    started = time.monotonic()
    airflow.wait(airflow.backfill(days[2], days[3]), TIMEOUT)  # POST /api/v2/backfills
    print(
        f"backfill {days[2]} … {days[3]}: {time.monotonic() - started:.1f} s, published",
        [version(d) for d in days[2:4]],
    )
    env = airflow.env  # for dags test below: same home, same database, same DAGs folder

    # ## Your DAG: trigger it as you would from a terminal, for day 0
    conf = json.dumps({"workdir": str(workdir)})
    shell(
        "airflow",
        f"airflow dags trigger -o plain movie_count -l {day0}T00:00:00+00:00 -c '{conf}'",
        workdir,
        env,
    )
    runs_url = f"{airflow.base_url}/api/v2/dags/movie_count/dagRuns"
    for _ in range(120):
        listed = request_json("GET", runs_url)[1] or {}
        count_runs = [r["state"] for r in listed.get("dag_runs", [])]
        if count_runs and count_runs[-1] in ("success", "failed"):
            break
        time.sleep(1)
    print("movie_count's runs:", count_runs)
    tasks = request_json("GET", f"{airflow.base_url}/api/v2/dags/movie_count/tasks")[1] or {}
    edges = sorted(
        (t["task_id"], down) for t in tasks.get("tasks", []) for down in t["downstream_task_ids"]
    )

# %%
durations = pd.DataFrame(
    [(task, (end - start) / 1e9) for task, (start, end) in timings.items()],
    columns=["task", "seconds"],
).sort_values("seconds", ascending=False)
display(durations.set_index("task").round(2))

# %% [markdown]
# ## `dag.test()` — the whole DAG in one process
# For development you do not need a scheduler: `airflow dags test` (what `dag.test()` does
# from Python) parses the file and runs every task in order, in one process, against the
# metadata database. The stack above is stopped; this is just a command.

# %%
emit(workdir, days[4], rows=INCREMENT_ROWS, seed=4)
started = time.monotonic()
done = subprocess.run(
    [
        str(Path(env["VIRTUAL_ENV"]) / "bin" / "airflow"),
        "dags",
        "test",
        "movie_pipeline",
        days[4].isoformat(),
        "-c",
        f'{{"workdir": "{workdir}"}}',
    ],
    env=env,
    capture_output=True,
    text=True,
)
print(
    f"airflow dags test: exit code {done.returncode} in {time.monotonic() - started:.1f} s; published {version(days[4])}"
)

# %% [markdown]
# Your DAG, the same way — a command you could type (no scheduler runs now):

# %%
shell("airflow", f"airflow dags test movie_count {days[4]} -c '{conf}'", workdir, env)

# %%
grade("1 · versions published", VERSIONS, [version(d) for d in days], hint="one per run")
blank = still_blank(MODULE)


def counted(day: dt.date) -> str | None:
    """What your DAG wrote for `day`, None if nothing."""
    path = workdir / f"movie_count_dag-{day}.txt"
    return path.read_text().strip() if path.exists() else None


def distinct_movies(day: dt.date) -> str:
    return str(pd.read_parquet(layout.clean_ratings(day))["movieId"].nunique())


grade("2a · the graph", None if blank else edges, [("count_movies", "write_count")])
grade("2b · triggered, day 0", None if blank else counted(day0), distinct_movies(day0))
grade("2c · dags test, day 4", None if blank else counted(days[4]), distinct_movies(days[4]))

# %% [markdown]
# ## What you saw
# * The scheduler turns a trigger (or a schedule, or a backfill) into a **DAG run** for a
#   logical date; each task instance is queued, run by the executor, and recorded in the
#   metadata database — which is why Airflow can show history, retry a task, or clear a run.
# * A **sensor** holds the run until its data lands, without holding a slot.
# * A **backfill** is one request; with `max_active_runs=1` the days run in order, so each
#   publishes the next model version.
#
# ## More to try (not graded)
# 1. Which task of your DAG would Airflow retry if it failed, and how would you give it
#    two retries? (The movie DAG's `default_args`.)
# 2. Open the UI while the stack runs (add a `time.sleep(300)` inside the `with` block):
#    which task took longest in the first run? Compare with the table above.
# 3. Set `catchup=True` in a copy of the DAG: what would the scheduler do on start-up?

# %%
published = [version(d) for d in days]
assert None not in published and published == sorted(set(published)), published  # in order
assert "up_for_reschedule" in states
assert done.returncode == 0, done.stderr[-1000:]
assert set(timings) >= {"ingest", "validate", "train_bias", "train_als", "load"}
print("five days, five new versions in order; the sensor waited; dags test ran without a scheduler")
