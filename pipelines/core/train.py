"""Train: fit one named model on the training split. One call per model, so an orchestrator
can run the models side by side (Airflow mapped tasks, Luigi parallel workers)."""

from __future__ import annotations

import datetime as dt

from pipelines.core.io import read_parquet
from pipelines.core.layout import MODEL_NAMES, Layout, as_date
from pipelines.core.models import DEFAULT_PARAMS, Recommender, fit_als, fit_bias


def fit_model(name: str, train, params: dict | None = None) -> Recommender:
    """Fit model `name` with its default parameters (or `params`) on a training frame."""
    if name not in MODEL_NAMES:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")
    params = {**DEFAULT_PARAMS[name], **(params or {})}
    if name == "bias":
        return fit_bias(train, **params)
    base_params = DEFAULT_PARAMS[params.pop("bias")]
    base = fit_bias(train, **base_params)
    return fit_als(train, base, **params)


def train(layout: Layout, date: dt.date | str, model: str) -> dict:
    """Fit `model` on the curated training split for `date` and save it under models/."""
    date = as_date(date)
    fitted = fit_model(model, read_parquet(layout.curated("train", date)))
    fitted.save(layout.model(model, date))
    return {
        "date": date.isoformat(),
        "model": model,
        "params": fitted.params,
        "users": len(fitted.user_ids),
        "movies": len(fitted.item_ids),
    }
