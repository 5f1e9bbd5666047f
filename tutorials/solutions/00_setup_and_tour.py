# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# Solutions to 00's exercises, one cell per exercise cell, in the notebook's order
# (`bench tutorials check 00` runs the notebook with these in place of the blanks).

# %% tags=["exercise"]
STEPS = 12
AT_MOST_AT_ONCE = 2  # the two models train side by side

# %% tags=["exercise"]
WAITS_FOR_DATA = "wait_for_partition"
