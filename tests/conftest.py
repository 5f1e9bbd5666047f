"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipelines.core.layout import Layout


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    return Layout(tmp_path / "run")


@pytest.fixture(scope="session")
def sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real MovieLens sample (ratings, movies), loaded once."""
    from datasets.movielens import load_sample

    return load_sample()
