# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# Solutions to 01's exercises, one cell per exercise cell, in the notebook's order
# (`bench tutorials check 01` runs the notebook with these in place of the blanks).

# %% tags=["exercise"]
QUARANTINED = round(NEW_ROWS * BAD_FRACTION)  # each spoiled rating spoils one row

# %% tags=["exercise"]
EXTRA_ROWS_REASON = "duplicate"  # the same line delivered twice: one row more each


def kept_share(report: dict) -> float:
    return report["rows_kept"] / report["rows_in"]
