# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# Solutions to 03's exercises, one cell per exercise cell, in the notebook's order
# (`bench tutorials check 03` runs the notebook with these in place of the blanks).

# %% tags=["exercise"]
VERSIONS = [f"v{n:04d}" for n in range(1, 6)]  # one new version per day, in order

# %% tags=["exercise"]
MODULE = REPO / "tutorials" / "solutions" / "movie_count_dag.py"
