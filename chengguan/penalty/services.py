"""Entry points other apps call.

``open_proceeding(violation, actor=...)`` is what the ledger (``chengguan.enforcement``) calls when the
officer chooses the step "proceedings" for a violation: it opens ordinary proceedings (立案) through the
workflow, with its role, territory and limitation checks. ``summary_decide`` is the on-the-spot route.
"""

from __future__ import annotations

from chengguan.penalty.workflow import amount_owed, open_proceeding, summary_decide

__all__ = ["amount_owed", "open_proceeding", "summary_decide"]
