# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# Solutions to 04's exercises, one cell per exercise cell, in the notebook's order
# (`bench tutorials check 04` runs the notebook with these in place of the blanks).

# %% tags=["exercise"]
BOUND_S = 8 * 1.0 / max(SLOTS)  # Σ work ÷ slots; the critical path (1 s) is shorter


# %% tags=["exercise"]
def achieved_parallelism(work_s: float, makespan_s: float) -> float:
    return work_s / makespan_s


on_the_chain = table[table["workload"] == CHAIN]
FASTEST_HANDOVER = on_the_chain.groupby("impl")["inter-task p50 s"].median().idxmin()
