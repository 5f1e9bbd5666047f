# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# Solutions to 06's exercises, one cell per exercise cell, in the notebook's order
# (`bench tutorials check 06` runs the notebook with these in place of the blanks).

# %% tags=["exercise"]
TODO_ITEMS = 9  # the lines `bench verify` listed
REQUIRED_METHODS = {"submit", "wait"}
CAPABILITIES_FILE = "pipeline.toml"
