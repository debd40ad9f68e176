from __future__ import annotations

from typing import Any

import pytest

from chengguan.core.testing import TinyCity
from chengguan.evaluation.tests.builders import water_month


@pytest.fixture
def water(tiny_city: TinyCity) -> Any:
    return tiny_city.units["water"]


@pytest.fixture
def october(water: Any) -> list[Any]:
    """The water department's October 2026 (see ``builders.water_month``)."""
    return water_month(water)
