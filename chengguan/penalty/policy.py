"""The bureau's penalty policy (thresholds edited in the admin), with the national defaults."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chengguan.penalty.rules import Thresholds

if TYPE_CHECKING:
    from chengguan.penalty.models import PenaltyPolicy


def get_policy() -> PenaltyPolicy:
    """The ``PenaltyPolicy`` row, or an unsaved one with the defaults when the bureau has none."""
    from chengguan.penalty.models import PenaltyPolicy

    return PenaltyPolicy.objects.filter(pk=1).first() or PenaltyPolicy()


def get_thresholds() -> Thresholds:
    return get_policy().thresholds()
