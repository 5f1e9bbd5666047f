# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# Solutions to 07's exercises, one cell per exercise cell, in the notebook's order
# (`bench tutorials check 07` runs the notebook with these in place of the blanks).

# %% tags=["exercise"]
SECOND_RUN = "all"  # a flow run calls every task: nothing checks the outputs

# %% tags=["exercise"]
MODULE = REPO / "tutorials" / "solutions" / "movie_count_flow.py"
