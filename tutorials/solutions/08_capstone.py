# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# Solution to 08's capstone: a scheduler on `graphlib` (tutorials/solutions/capstone/),
# put where `bench new` puts an implementation. The notebook removes it again at its end
# (it carries the mark file `.tutorial-solution`), so the repository keeps its five implementations.

# %% tags=["exercise"]
import shutil

from bench.kit.home import REPO
from bench.scaffold import new_implementation, remove_implementation

NAME = "capstone_graphlib"
MARK = ".tutorial-solution"  # this copy is the solutions' own: the notebook may remove it
if (REPO / "pipelines" / NAME / MARK).exists():  # left by an interrupted run
    remove_implementation(NAME)
folder = new_implementation(NAME)  # what `bench new capstone_graphlib` does (refuses if
# a folder of that name exists: a student's work is never overwritten)
for solved in (REPO / "tutorials" / "solutions" / "capstone").iterdir():
    if solved.is_file():
        shutil.copy(solved, folder / solved.name)
# what `make lock` writes for the shared core alone: the baseline's lock, named for NAME
core = (REPO / "pipelines" / "baseline" / "requirements.lock").read_text()
(folder / "requirements.lock").write_text(core.replace("pipelines/baseline/", f"pipelines/{NAME}/"))
(folder / MARK).write_text("copied by tutorials/solutions/08_capstone.py; removed by it\n")
