"""The two recommenders: a bias baseline and ALS matrix factorization on top of it.

* `bias`: rating ≈ μ + b_user + b_movie, regularised (Koren 2008, "baseline predictors").
  Cheap, strong, and the yardstick every fancier model must beat.
* `als`: rating ≈ bias + p_user · q_movie, with the factors fitted by alternating least
  squares with weighted-λ regularisation (Zhou et al. 2008, the Netflix-prize ALS).

Both are deterministic for a given seed and library version — which is what lets the
benchmark demand identical results from every orchestrator.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from pipelines.core.io import atomic_path
from pipelines.core.schema import RATING_MAX, RATING_MIN

DEFAULT_PARAMS: dict[str, dict] = {
    "bias": {"reg_user": 10.0, "reg_item": 25.0, "iterations": 5},
    "als": {"factors": 8, "reg": 0.3, "iterations": 8, "seed": 42, "bias": "bias"},
}


@dataclass
class Recommender:
    """A fitted model: ids known at training time, biases, and (for ALS) latent factors."""

    kind: str
    params: dict
    user_ids: np.ndarray
    item_ids: np.ndarray
    mu: float
    user_bias: np.ndarray
    item_bias: np.ndarray
    user_factors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    item_factors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    # -- id ↔ index
    def user_index(self, users: np.ndarray) -> np.ndarray:
        """Row index of each user, -1 for users unseen in training."""
        return _lookup(self.user_ids, users)

    def item_index(self, items: np.ndarray) -> np.ndarray:
        return _lookup(self.item_ids, items)

    # -- predictions
    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Predicted rating per (user, item) pair; unseen users/items fall back to biases."""
        u, i = self.user_index(users), self.item_index(items)
        pred = np.full(len(u), self.mu)
        pred += np.where(u >= 0, self.user_bias[np.maximum(u, 0)], 0.0)
        pred += np.where(i >= 0, self.item_bias[np.maximum(i, 0)], 0.0)
        if self.user_factors.size:
            both = (u >= 0) & (i >= 0)
            pred[both] += np.einsum(
                "ij,ij->i", self.user_factors[u[both]], self.item_factors[i[both]]
            )
        return np.clip(pred, RATING_MIN, RATING_MAX)

    def scores(self, user_rows: np.ndarray, item_rows: np.ndarray) -> np.ndarray:
        """Dense (len(user_rows), len(item_rows)) score block for known users and items."""
        block = self.mu + self.user_bias[user_rows, None] + self.item_bias[None, item_rows]
        if self.user_factors.size:
            block += self.user_factors[user_rows] @ self.item_factors[item_rows].T
        return block

    # -- persistence
    def save(self, path: Path) -> Path:
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez(
                fh,
                kind=self.kind,
                params=repr(sorted(self.params.items())),
                user_ids=self.user_ids,
                item_ids=self.item_ids,
                mu=self.mu,
                user_bias=self.user_bias,
                item_bias=self.item_bias,
                user_factors=self.user_factors,
                item_factors=self.item_factors,
            )
        return path

    @classmethod
    def load(cls, path: Path) -> Recommender:
        with np.load(path, allow_pickle=False) as npz:
            return cls(
                kind=str(npz["kind"]),
                params=dict(ast.literal_eval(str(npz["params"]))),
                user_ids=npz["user_ids"],
                item_ids=npz["item_ids"],
                mu=float(npz["mu"]),
                user_bias=npz["user_bias"],
                item_bias=npz["item_bias"],
                user_factors=npz["user_factors"],
                item_factors=npz["item_factors"],
            )


def _lookup(sorted_ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(sorted_ids, wanted)
    pos = np.minimum(pos, len(sorted_ids) - 1)
    return np.where(sorted_ids[pos] == wanted, pos, -1)


def _dense_index(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct ids, each row's position in them) — like np.unique(return_inverse),
    but linear-time: ids are small positive integers, so a bincount replaces the sort."""
    present = np.bincount(ids) > 0
    position = np.cumsum(present) - 1
    return np.flatnonzero(present).astype(ids.dtype), position[ids]


def _encode(
    train: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    user_ids, u = _dense_index(train["userId"].to_numpy())
    item_ids, i = _dense_index(train["movieId"].to_numpy())
    return user_ids, item_ids, u, i, train["rating"].to_numpy(dtype=np.float64)


def fit_bias(train: pd.DataFrame, reg_user: float, reg_item: float, iterations: int) -> Recommender:
    """Alternate closed-form updates of movie and user biases (each a regularised mean)."""
    user_ids, item_ids, u, i, r = _encode(train)
    mu = float(r.mean())
    n_u = np.bincount(u, minlength=len(user_ids))
    n_i = np.bincount(i, minlength=len(item_ids))
    b_u = np.zeros(len(user_ids))
    b_i = np.zeros(len(item_ids))
    for _ in range(iterations):
        b_i = np.bincount(i, r - mu - b_u[u], minlength=len(item_ids)) / (n_i + reg_item)
        b_u = np.bincount(u, r - mu - b_i[i], minlength=len(user_ids)) / (n_u + reg_user)
    params = {"reg_user": reg_user, "reg_item": reg_item, "iterations": iterations}
    return Recommender("bias", params, user_ids, item_ids, mu, b_u, b_i)


def _als_half_step(
    ratings_by_row: sp.csr_matrix, pattern: sp.csr_matrix, fixed: np.ndarray, reg: float
) -> np.ndarray:
    """Solve every row's regularised least squares against the fixed side's factors.

    For row u with rated columns I(u): (Σ_{i∈I(u)} q_i q_iᵀ + λ·n_u·I) p_u = Σ r_ui q_i.
    The Gram sums for all rows come from one sparse × dense product over the packed upper
    triangles of q_i q_iᵀ, then one batched solve: no Python loop over users.
    """
    k = fixed.shape[1]
    iu = np.triu_indices(k)
    outer = (fixed[:, :, None] * fixed[:, None, :])[:, iu[0], iu[1]]
    packed = pattern @ outer
    gram = np.zeros((ratings_by_row.shape[0], k, k))
    gram[:, iu[0], iu[1]] = packed
    gram[:, iu[1], iu[0]] = packed
    counts = np.diff(ratings_by_row.indptr)
    gram += (reg * np.maximum(counts, 1))[:, None, None] * np.eye(k)
    rhs = ratings_by_row @ fixed
    return np.linalg.solve(gram, rhs[:, :, None])[:, :, 0]


def _ones_like(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Same sparsity, every stored value 1: multiplying by it sums over rated entries."""
    pattern = matrix.copy()
    pattern.data = np.ones_like(pattern.data)
    return pattern


def fit_als(
    train: pd.DataFrame, base: Recommender, factors: int, reg: float, iterations: int, seed: int
) -> Recommender:
    """Fit latent factors to what the bias model leaves unexplained."""
    user_ids, item_ids, u, i, r = _encode(train)
    residual = r - (
        base.mu
        + base.user_bias[base.user_index(user_ids)[u]]
        + base.item_bias[base.item_index(item_ids)[i]]
    )
    by_user = sp.csr_matrix((residual, (u, i)), shape=(len(user_ids), len(item_ids)))
    by_item = by_user.T.tocsr()
    user_pattern, item_pattern = _ones_like(by_user), _ones_like(by_item)
    rng = np.random.default_rng(seed)
    q = rng.normal(0.0, 0.1, size=(len(item_ids), factors))
    p = np.zeros((len(user_ids), factors))
    for _ in range(iterations):
        p = _als_half_step(by_user, user_pattern, q, reg)
        q = _als_half_step(by_item, item_pattern, p, reg)
    params = {"factors": factors, "reg": reg, "iterations": iterations, "seed": seed}
    return Recommender(
        "als",
        params,
        user_ids,
        item_ids,
        base.mu,
        base.user_bias[base.user_index(user_ids)],
        base.item_bias[base.item_index(item_ids)],
        p,
        q,
    )


def _first_k_per_row(block: np.ndarray, k: int) -> np.ndarray:
    """Column indices of each row's k best entries by (score desc, column asc).

    A partition finds each row's k-th best score; only entries at or above it (k, or a few
    more on ties) are sorted — far cheaper than sorting every candidate.
    """
    kth = -np.partition(-block, k - 1, axis=1)[:, k - 1]
    rows, cols = np.nonzero(block >= kth[:, None])
    order = np.lexsort((cols, -block[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(block.shape[0]))
    position = np.arange(len(rows)) - starts[rows]
    return cols[position < k].reshape(block.shape[0], k)


def top_k(
    model: Recommender,
    users: np.ndarray,
    candidates: np.ndarray,
    seen: pd.DataFrame,
    k: int = 10,
    chunk: int = 4096,
) -> pd.DataFrame:
    """The k best unseen candidate movies per known user, as (userId, rank, movieId, score).

    Scores are rounded to 6 decimals and ties broken by movieId, so the ranking does not
    depend on the last bit of a floating-point sum.
    """
    user_rows = model.user_index(np.asarray(users))
    users = np.asarray(users)[user_rows >= 0]
    user_rows = user_rows[user_rows >= 0]
    cand_rows = model.item_index(np.asarray(candidates))
    candidates = np.asarray(candidates)[cand_rows >= 0]
    cand_rows = cand_rows[cand_rows >= 0]
    k = min(k, len(candidates))
    order = np.argsort(candidates, kind="stable")
    candidates, cand_rows = candidates[order], cand_rows[order]

    # seen[(user, candidate)] as a sparse matrix aligned with `users` × `candidates`
    s_user = np.searchsorted(users, seen["userId"].to_numpy())
    s_cand = np.searchsorted(candidates, seen["movieId"].to_numpy())
    ok = (s_user < len(users)) & (s_cand < len(candidates))
    ok[ok] &= (users[s_user[ok]] == seen["userId"].to_numpy()[ok]) & (
        candidates[s_cand[ok]] == seen["movieId"].to_numpy()[ok]
    )
    seen_matrix = sp.csr_matrix(
        (np.ones(ok.sum(), dtype=bool), (s_user[ok], s_cand[ok])),
        shape=(len(users), len(candidates)),
    )

    out_users, out_items, out_scores = [], [], []
    for start in range(0, len(users), chunk):
        rows = slice(start, start + chunk)
        block = np.round(model.scores(user_rows[rows], cand_rows), 6)
        block[seen_matrix[rows].toarray()] = -np.inf
        best = _first_k_per_row(block, k)
        out_users.append(np.repeat(users[rows], k))
        out_items.append(candidates[best].ravel())
        out_scores.append(np.take_along_axis(block, best, axis=1).ravel())
    result = pd.DataFrame(
        {
            "userId": np.concatenate(out_users).astype(np.int32)
            if out_users
            else np.array([], np.int32),
            "rank": np.tile(np.arange(1, k + 1, dtype=np.int16), len(users)),
            "movieId": np.concatenate(out_items).astype(np.int32)
            if out_items
            else np.array([], np.int32),
            "score": np.concatenate(out_scores) if out_scores else np.array([]),
        }
    )
    return result[np.isfinite(result["score"])].reset_index(drop=True)
