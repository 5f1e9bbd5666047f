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
# # 01 · ETL with MovieLens: zones, full load vs increments, validation and quarantine
#
# **You will:** land the MovieLens ratings as a full load, run extract → validate →
# transform with the same functions every orchestrator calls, then land a day of new
# ratings with spoiled rows and watch them being quarantined — and counted.
#
# **Time:** 15 minutes. **Prerequisites:** 00. No orchestrator runs here: this is the
# shared core on its own.

# %% tags=["parameters"]
DATASET = "movielens-small"  # or synthetic:N
NEW_ROWS = 2000  # ratings in the day's increment
BAD_FRACTION = 0.05  # share of them spoiled on purpose
SEED = 0

# %%
import datetime as dt
import json
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from bench.measure.runs import land_dataset
from bench.teaching import grade, source
from datasets.stream import emit
from pipelines.core import steps
from pipelines.core.layout import Layout

workdir = Path(tempfile.mkdtemp(prefix="tutorial-01-"))
layout = Layout(workdir)
snapshot = land_dataset(workdir, DATASET)  # the full load, dated the day after the last rating
print("landed", DATASET, "for", snapshot, "in", workdir)

# %% [markdown]
# ## Run the first three steps by hand
# Every orchestrator calls exactly these functions, one per task:

# %%
ingested = steps.ingest(layout, snapshot)
validated = steps.validate(layout, snapshot)
transformed = steps.transform(layout, snapshot)
print(json.dumps(validated["ratings"], indent=1))

# %% [markdown]
# ## The lake's zones
# `landing` is what the outside world delivers; `raw` is the same data in Parquet;
# `clean` passed validation; `quarantine` did not, with a reason per row; `curated` is
# consolidated and split for training. Each zone is partitioned by date:

# %%
for path in sorted(p for p in workdir.rglob("*") if p.is_file() and "landing" not in p.parts):
    print(path.relative_to(workdir))

# %% [markdown]
# ## An increment arrives — with bad rows
# The stream simulator lands one day of new ratings as CSV, spoiling a share of them the
# ways real feeds break: ratings out of range, non-numbers, unknown movies, missing
# values, duplicates.
#
# **Exercise 1 · predict first.** The simulator spoils `BAD_FRACTION` of `NEW_ROWS` ratings.
# How many rows will validation quarantine? Write your prediction (a number; the
# parameters are in scope, so an expression is fine), then run the cells that land and
# validate the day. The check after them grades it.

# %% tags=["exercise"]
QUARANTINED = ...  # your prediction

# %%
day = snapshot + dt.timedelta(days=1)
landed = emit(workdir, day, rows=NEW_ROWS, bad_fraction=BAD_FRACTION, seed=SEED)
steps.ingest(layout, day)
report = steps.validate(layout, day)["ratings"]
print(json.dumps(report, indent=1))

# %%
quarantined = pd.read_parquet(layout.quarantine("ratings", day))
display(quarantined.groupby("reason").size().rename("rows").to_frame())
display(quarantined.head())

# %%
grade(
    "1 · rows quarantined",
    QUARANTINED,
    report["rows_quarantined"],
    tolerance=0.05,
    hint="every spoiled rating is caught, and each spoils one row",
)

# %% [markdown]
# Nothing is lost: every row that came in was either kept or quarantined with its reason.
# The validation rules are one module, `pipelines/core/validate.py`:

# %%
from pipelines.core import validate as validate_module

display(Markdown(source(validate_module.validate)))

# %% [markdown]
# ## Full load vs incremental
# `transform` for the new day consolidates the snapshot *and* every increment since — the
# latest rating of a (user, movie) pair wins — so the model trains on everything so far:

# %%
increment = steps.transform(layout, day)
print(json.dumps(increment["rows_per_partition"]), "| superseded:", increment["rows_superseded"])

# %% [markdown]
# ## Exercises
# 2. The increment holds more rows than `NEW_ROWS` (`report["rows_in"]`). Which reason of
#    the quarantine explains the extra rows? (Its name, as in the table above.)
# 3. Write `kept_share(report)`: the share of the rows that came in which validation kept
#    (between 0 and 1), from a validation report like `report`.

# %% tags=["exercise"]
EXTRA_ROWS_REASON = ...  # a reason's name


def kept_share(report: dict) -> float: ...  # your code


# %%
extra = quarantined[quarantined["row"] >= NEW_ROWS]  # lines past those the simulator drew
cause = extra["reason"].mode()[0] if len(extra) else None
grade("2 · the extra rows", EXTRA_ROWS_REASON, cause, hint="which spoiler adds a line?")
grade(
    "3 · kept share",
    kept_share(report),
    report["rows_kept"] / report["rows_in"],
    tolerance=1e-6,
    hint="kept rows over the rows that came in",
)

# %% [markdown]
# More to try (not graded): set `BAD_FRACTION = 0.10` and rerun — does your prediction of
# exercise 1 still hold? How many ratings does the model for `day` train on
# (`increment["rows"]["train"]`), and why more than the snapshot's?

# %%
assert report["rows_in"] == report["rows_kept"] + report["rows_quarantined"]
assert report["rows_quarantined"] == len(quarantined) == sum(report["by_reason"].values())
assert report["rows_quarantined"] > 0 if BAD_FRACTION > 0 else report["rows_quarantined"] == 0
assert landed["rows"]["ratings"] == report["rows_in"]
assert (
    increment["rows"]["ratings"]
    == sum(increment["rows_per_partition"].values()) - increment["rows_superseded"]
)
print(
    f"rows in {report['rows_in']} = kept {report['rows_kept']} + quarantined {report['rows_quarantined']}"
)
