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
# # 02 · Luigi: `requires`, `output`, `run` — and why a rerun does nothing
#
# **You will:** predict what a rerun does, run the movie pipeline on a real Luigi (a
# `luigid` central scheduler and a worker), rerun it and see that nothing runs again, then
# delete outputs and see that exactly the missing part reruns. You will read the task
# classes that make this happen, then write a task of your own and run it with the `luigi`
# command — on a scheduler inside the worker, and on `luigid`. Graded as you go.
#
# **Time:** 15 minutes. **Prerequisites:** 00, 01. The first run builds Luigi's own
# environment (a few seconds from cache).

# %% tags=["parameters"]
DATASET = "movielens-small"
TIMEOUT = 600  # seconds per pipeline run
COOLDOWN_S = 10  # luigid's [scheduler] stable_done_cooldown_secs (its default)

# %% [markdown]
# **Exercise 1 · predict first.** The cell after this one runs the whole pipeline, then
# *the same command again*, then deletes the output of the last task (`load`) and runs it
# once more. How many tasks will run the second time, and how many after deleting `load`'s
# output?

# %% tags=["exercise"]
SECOND_RUN_TASKS = ...  # a number
AFTER_DELETING_LOAD = ...  # a number

# %%
import json
import shutil
import tempfile
import time
import urllib.parse
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from bench.diagrams import architecture_diagram
from bench.kit.home import REPO
from bench.kit.http import request_json
from bench.kit.manifest import adapter_class
from bench.measure.runs import land_dataset
from bench.teaching import (
    event_count,
    grade,
    output_of,
    shell,
    source,
    started_tasks,
    still_blank,
)
from pipelines.core.layout import Layout

workdir = Path(tempfile.mkdtemp(prefix="tutorial-02-"))
layout = Layout(workdir)
date = land_dataset(workdir, DATASET)
Luigi = adapter_class("luigi")  # pipelines/luigi/adapter.py: how the harness drives Luigi

# %% [markdown]
# ## Run it
# Luigi has no "trigger" API: a run *is* a worker process, `luigi --module
# pipelines.luigi.movie_pipeline MoviePipeline --date ...`, asking `luigid` for work. The
# adapter starts `luigid`, then that command. What runs, and where Luigi keeps its state:

# %%
architecture_diagram("luigi")

# %%
with Luigi(workdir) as luigi:
    print("luigid's visualiser (while it runs):", luigi.dashboard_url)
    luigi.wait(luigi.submit(date), TIMEOUT)
    first = started_tasks(luigi.event_log)
    print(len(first), "tasks ran:", ", ".join(first))

    # ## Run it again: every output exists, so every task is complete — nothing runs
    seen = event_count(luigi.event_log)
    luigi.wait(luigi.submit(date), TIMEOUT)
    again = started_tasks(luigi.event_log, seen)
    print("second run:", len(again), "tasks")

    # ## Delete the last output: only the last task reruns
    # (luigid ignores "this task is pending again" for 10 s after it saw the task done:
    # [scheduler] stable_done_cooldown_secs. A real trap — see the note below.)
    time.sleep(COOLDOWN_S + 1)
    layout.load_report(date).unlink()
    seen = event_count(luigi.event_log)
    luigi.wait(luigi.submit(date), TIMEOUT)
    after_load = started_tasks(luigi.event_log, seen)
    print("after deleting load's output:", after_load)

    # ## Delete the scores and the load: those two rerun, in order
    time.sleep(COOLDOWN_S + 1)
    layout.recommendations(date).unlink()
    layout.load_report(date).unlink()
    seen = event_count(luigi.event_log)
    luigi.wait(luigi.submit(date), TIMEOUT)
    after_score = started_tasks(luigi.event_log, seen)
    print("after deleting score's and load's outputs:", after_score)

# %%
grade("1a · the second run", SECOND_RUN_TASKS, len(again), hint="what does a task check first?")
grade("1b · after deleting load", AFTER_DELETING_LOAD, len(after_load))

# %% [markdown]
# ## Why: `complete()` is "my output exists"
# Each step is a `Task` whose `output()` is a file target and whose `requires()` names the
# tasks it needs. Before running anything, the worker asks each task `complete()` — by
# default, "does my output exist?" — starting from the task you asked for. A complete task
# is not run, and *its requirements are not even looked at*. The output is the state.

# %%
display(Markdown(source("pipelines/luigi/movie_pipeline.py", "class Score", "class MoviePipeline")))

# %% [markdown]
# Because the check starts at the end, deleting an output in the *middle* (say, the
# features) reruns nothing: `Load` is complete, so nobody asks. Delete it together with
# everything downstream of it — as above — to redo a part. Every `run()` writes its file
# atomically (a temporary file, then a rename), so a killed task leaves no half-written
# output that would look complete (tutorial 05 kills one).
#
# **The trap we waited for.** `luigid` remembers what it saw done. For
# `stable_done_cooldown_secs` (10 s) after a task was done it ignores a worker's claim that
# the task is pending again, and the worker exits with "not granted run permission" —
# without rerunning anything. Delete an output and rerun at once, and Luigi seems to ignore
# you; wait 10 s (or run with `--local-scheduler`) and it reruns. Found while writing this
# tutorial: remove the `time.sleep` lines and watch the last two assertions below fail.
#
# `luigid` keeps no history of outputs: it only hands out work and draws the visualiser.
# The harness starts it with task history on (`pipelines/luigi/luigi.cfg`), so you can
# also look runs up in `<workdir>/_luigi/history.db`.
#
# **Exercise 2.** Which method of a `luigi.Task` would you override to make a task run
# again every day even when its output exists? (Its name.)

# %% tags=["exercise"]
RERUN_METHOD = ...  # a method's name

# %%
grade("2 · the method", RERUN_METHOD, "complete", hint="the worker asks it before running")

# %% [markdown]
# ## Now you: a task of your own
# **Exercise 3.** Open `tutorials/exercises/movie_count.py` in your editor and write
# `MovieCount`: a task that needs the day's ratings validated and writes how many distinct
# movies the clean ratings rate. The file says what goes where; Luigi modules are files,
# so yours is one too. Save it, then run the cells below: they copy it into the run folder
# and run it with the `luigi` command.

# %% tags=["exercise"]
MODULE = REPO / "tutorials" / "exercises" / "movie_count.py"  # yours

# %%
shutil.copy(MODULE, workdir / "movie_count.py")
display(Markdown(source(MODULE.relative_to(REPO))))

# %% [markdown]
# Run it as you would in a terminal, with the `luigi` command. First with a scheduler
# inside the worker (`--local-scheduler`: nothing else needed, nothing shared):

# %%
task = f"--module movie_count MovieCount --workdir {workdir} --date {date}"
shell("luigi", f"luigi {task} --local-scheduler", workdir)

# %% [markdown]
# Then against `luigid`, the central scheduler a team shares: it hands out the work and
# its visualiser lists the task. (The first output is deleted so that the task runs again.)

# %%
count_file = workdir / f"movie_count-{date}.txt"
made_locally = count_file.read_text().strip() if count_file.exists() else None
count_file.unlink(missing_ok=True)
with Luigi(workdir) as luigi:
    shell("luigi", f"luigi {task} --scheduler-port {luigi.port}", workdir, luigi.env)
    query = urllib.parse.quote(json.dumps({"status": "DONE", "upstream_status": "", "search": ""}))
    _, listed = request_json("GET", f"{luigi.url}/api/task_list?data={query}")
    on_luigid = "MovieCount" in {t["name"] for t in (listed or {}).get("response", {}).values()}

# %%
blank = still_blank(workdir / "movie_count.py")
needs = output_of(
    "luigi",
    "python -c 'import datetime as dt, luigi, movie_count; "
    f'task = movie_count.MovieCount(date=dt.date.fromisoformat("{date}"), workdir="{workdir}"); '
    "print(sorted(t.task_family for t in luigi.task.flatten(task.requires())))'",
    workdir,
)
expected = str(pd.read_parquet(layout.clean_ratings(date))["movieId"].nunique())
grade("3a · what MovieCount needs", None if blank else needs, "['Validate']", hint="one task")
grade("3b · the count", None if blank else made_locally, expected, hint="distinct movieId")
grade("3c · ran on luigid", None if blank else on_luigid, True, hint="did luigid list it?")

# %% [markdown]
# ## More to try (not graded)
# 1. Delete `layout.features("user_features", date)` only and rerun: how many tasks run?
# 2. How many tasks ran the first time? Why one fewer than the 12 steps of tutorial 00?
#    (The sensor step is a `luigi.ExternalTask`: Luigi checks it, never runs it.)
# 3. Run your task again at once on `luigid`: what does the worker say, and why? (The trap
#    above.)

# %%
assert len(first) == 11 and "wait_for_partition" not in first
assert again == []
assert after_load == ["load"]
assert after_score == ["score", "load"]
