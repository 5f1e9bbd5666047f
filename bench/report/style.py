"""How every figure looks: one colour per implementation (from its manifest, so it is the
same in every report), solid lines for default configs, dashed for tuned, dash-dotted for
any other (so two non-default configs of one implementation are told apart), one way to
save."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.kit.manifest import color as manifest_color


def color(key: str) -> str:
    """`impl/config` or `impl` → the implementation's colour."""
    return manifest_color(key.split("/")[0])


LINE_STYLES = {"default": "-", "tuned": "--"}


def line_style(key: str) -> str:
    """`impl/config` → solid for the default config (or a bare `impl`), dashed for the tuned
    one, dash-dotted for any other: the colour already names the implementation."""
    config = key.split("/")[1] if "/" in key else "default"
    return LINE_STYLES.get(config, "-.")


def save(fig, path: Path, layout: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if layout:
        fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path
