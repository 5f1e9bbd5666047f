"""How every figure looks: one colour per implementation (from its manifest, so it is the
same in every report), dashed lines for tuned configs, one way to save."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.kit.manifest import color as manifest_color


def color(key: str) -> str:
    """`impl/config` or `impl` → the implementation's colour."""
    return manifest_color(key.split("/")[0])


def line_style(key: str) -> str:
    """Solid for an implementation's default config, dashed for any other."""
    return "-" if key.endswith("/default") or "/" not in key else "--"


def save(fig, path: Path, layout: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if layout:
        fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path
