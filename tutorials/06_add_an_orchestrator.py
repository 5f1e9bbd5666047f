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
# # 06 · Add an orchestrator: `bench new`
#
# **You will:** scaffold a new implementation, see what the contract asks of it, and see
# how the harness refuses to time it until it is complete. Three exercises are graded. Then
# the real work is yours: lesson 08, the capstone, grades it; CONTRIBUTING.md walks through
# it.
#
# **Time:** 10 minutes to read; an afternoon to implement an orchestrator.
# **Prerequisites:** 00–03.

# %% tags=["parameters"]
NAME = "tutorial_demo"  # the implementation to scaffold (removed again at the end)

# %%
import subprocess
import sys
import tomllib
from pathlib import Path

from IPython.display import Markdown, display

from bench.kit import adapter as contract
from bench.kit.home import REPO
from bench.scaffold import remove_implementation, todo_items
from bench.teaching import grade, source

bench = str(Path(sys.executable).with_name("bench"))
made = subprocess.run([bench, "new", NAME], capture_output=True, text=True)
print(made.stdout or made.stderr)

# %% [markdown]
# ## What was written
# A manifest that already passes the schema, an adapter and a pipeline file to fill in, a
# Dockerfile, a README with the steps and an integration test:

# %%
folder = REPO / "pipelines" / NAME
for path in sorted(folder.iterdir()):
    print(f"{path.name:28} {len(path.read_text().splitlines()):3} lines")
display(Markdown(source(f"pipelines/{NAME}/adapter.py", "class ")))

# %% [markdown]
# ## The contract
# The adapter is the only thing the harness talks to. Two methods are required — `submit`
# and `wait`; each optional one unlocks a part of the report:

# %%
display(Markdown("```text\n" + contract.__doc__.strip() + "\n```"))

# %% [markdown]
# ## Nothing half-written gets timed
# `bench verify` (and `compare`, and `run`) look for the `BENCH-TODO` lines first:

# %%
checked = subprocess.run([bench, "verify", NAME], capture_output=True, text=True)
print("exit code", checked.returncode)
print(checked.stderr.strip())
left = todo_items(NAME)

# %% [markdown]
# Work through the list (CONTRIBUTING.md has the worked example); when it is empty,
# `bench verify NAME` runs your pipeline and the baseline on the same data and demands
# identical results, and `bench compare --impl NAME,baseline --profile quick` measures it.
#
# ## What finished looks like: `pipelines/prefect/`
# Prefect 3 was added exactly this way. Its flow is the same graph in Prefect's idiom: no
# graph is declared, each `.submit()` returns a future, and handing a future to the next
# task is what makes that task wait:

# %%
display(Markdown(source("pipelines/prefect/flow.py", '@flow(name="movie_pipeline")')))

# %% [markdown]
# and its adapter's two required methods ask a Prefect server for a flow run and poll its
# state — the whole difference from Luigi's adapter, where a run *is* a worker command:

# %%
display(
    Markdown(source("pipelines/prefect/adapter.py", "    def submit(", "    def native_timings("))
)
prefect_left = todo_items("prefect")

# %% [markdown]
# ## Exercises
# Replace each `...` and run the check below. The answers are in what this notebook printed
# and in the scaffold's files.
# 1. How many to-do items does a fresh scaffold have?
# 2. Which two adapter methods must every implementation write? (A set of two names.)
# 3. Which file of an implementation's folder decides what the report may probe (web UI,
#    backfill, scale-out)? (Its file name.)

# %% tags=["exercise"]
TODO_ITEMS = ...  # a number
REQUIRED_METHODS = ...  # e.g. {"start", "stop"}
CAPABILITIES_FILE = ...  # e.g. "README.md"

# %%
abstract = {
    name
    for name, member in vars(contract.Adapter).items()
    if getattr(member, "__isabstractmethod__", False)
}


def declares_capabilities(path: Path) -> bool:
    """A TOML file with a `capabilities` key (the harness reads it from there)."""
    try:
        return "capabilities" in tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


manifest = next(p.name for p in folder.iterdir() if declares_capabilities(p))
grade("1 · to-do items", TODO_ITEMS, len(left), hint="count the lines `bench verify` listed")
grade("2 · required methods", REQUIRED_METHODS, abstract, hint="see The contract above")
grade("3 · the capabilities file", CAPABILITIES_FILE, manifest, hint="the manifest")

# %% [markdown]
# ## More to try (not graded)
# How many to-do items does `pipelines/prefect/` have left (`todo_items("prefect")`), and
# what does `bench verify prefect` do that it refused to do for the scaffold?

# %%
remove_implementation(NAME)
assert made.returncode == 0
assert checked.returncode == 1 and "not ready to verify" in checked.stderr
assert any("submit()" in item for item in left)
assert not folder.exists()
assert prefect_left == []
