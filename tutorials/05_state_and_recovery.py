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
# # 05 · State and recovery: kill a run mid-way, resume, count what was redone
#
# **You will:** start a fan-out of two-second tasks, SIGKILL the processes running them
# one second in, let each orchestrator recover the way it is meant to, and read from the
# event log what each one redid and how long it took.
#
# **Time:** 10–15 minutes (recovery waits for failure detection: 15 s here).
# **Prerequisites:** 02 (Luigi's outputs are its state), 03 (Airflow's database is).

# %% tags=["parameters"]
IMPLS = ["baseline", "luigi", "airflow"]
WORKLOAD = "fanout:4:sleep:2"  # four 2-second tasks and a join
SLOTS = 2
FAULT = "worker"  # or "scheduler" (SIGKILL), "restart" (SIGTERM) — not for the baseline

# %%
import tempfile
from pathlib import Path

from IPython.display import Image, Markdown, display

from bench.measure import metrics
from bench.measure.plan import Case
from bench.measure.recovery import measure_recovery, supports
from bench.measure.runs import DEFAULT_DATASET
from bench.report.recovery import recovery_figure, recovery_table
from bench.teaching import source

folder = Path(tempfile.mkdtemp(prefix="tutorial-05-"))
cases = [
    measure_recovery(
        impl,
        "default",
        Case("recovery", WORKLOAD, SLOTS, FAULT),
        folder / impl,
        DEFAULT_DATASET,
        None,
    )
    for impl in IMPLS
    if supports(impl, FAULT)
]

# %% [markdown]
# ## What happened
# Each implementation ran the workload once to warm up, then again; as soon as `SLOTS`
# tasks were running the harness waited one second and killed the workers (SIGKILL: no
# clean-up, like the OOM killer or a lost machine). Then it did what the operator's tools
# do: Airflow notices the dead tasks through their missed heartbeats and retries them;
# Luigi's command is simply run again (as cron would) and skips every task whose output
# exists; the baseline starts over.

# %%
display(Markdown(recovery_table(cases)))
display(Image(recovery_figure(cases, folder / "recovery.png", Path("/"))))

# %% [markdown]
# How the columns are computed — from the events alone, the same for every orchestrator:

# %%
display(Markdown(source(metrics.recovery)))

# %% [markdown]
# ## Reading it
# * **Work lost** is the same everywhere: the tasks that were running. A task is the unit
#   of recovery; what it did before the kill is redone.
# * **Nothing finished is redone** by Luigi or Airflow: Luigi because outputs exist,
#   Airflow because the database says `success`. The baseline keeps no state and redoes
#   everything — cheap here, not in a 3-hour pipeline.
# * **Time to recover** is dominated by *failure detection*, a setting, not a mechanism:
#   Airflow's task heartbeat timeout and luigid's worker-disconnect delay (set to 15 s in
#   `[recovery]` of each `pipeline.toml`; defaults 300 s and 60 s).
#
# ## Exercises
# 1. How many task-seconds did each implementation waste? Why is it about `SLOTS` × 1 s?
# 2. Set `FAULT = "scheduler"`: which orchestrator loses running work when its scheduler
#    dies, and which does not? (Luigi's workers keep running without luigid.)
# 3. In Luigi's row, what do "harness retries" count, and who would do it in production?

# %%
for case in cases:
    run = case.runs[0]
    assert run["error"] == "", f"{case.impl}: {run['error']}"
    assert run["time_to_completion_s"] is not None and run["fault_ns"] > run["submit_ns"]
    assert run["in_flight_at_fault"] >= 1  # the kill did hit running work
    assert run["wasted_task_s"] > 0
print({c.impl: round(c.runs[0]["wasted_task_s"], 2) for c in cases})
