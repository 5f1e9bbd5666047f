# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# Solutions to 05's exercises (with `FAULT = "worker"`), one cell per exercise cell, in
# the notebook's order (`bench tutorials check 05` runs the notebook with these).

# %% tags=["exercise"]
# the baseline starts over: the first wave (SLOTS tasks) runs again; Luigi's outputs and
# Airflow's database keep what finished
REDONE = {"baseline": SLOTS, "luigi": 0, "airflow": 0}

# %% tags=["exercise"]
LUIGI_DETECTION_SETTING = "scheduler.worker_disconnect_delay"
LUIGI_DETECTION_S = 15  # luigid waits this long for a silent worker, then a retry starts
