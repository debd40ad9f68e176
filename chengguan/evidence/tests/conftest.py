from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """Every evidence test stores its files below a fresh temporary MEDIA_ROOT."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root
