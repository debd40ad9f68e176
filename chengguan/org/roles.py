"""The roles of DESIGN.md §1, kept as Django groups named by their code names."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    INSPECTOR = "inspector", _("Inspector")
    OPERATOR = "operator", _("Operator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    OFFICER = "officer", _("Officer")
    AUXILIARY = "auxiliary", _("Auxiliary officer")
    SQUADRON_LEADER = "squadron_leader", _("Squadron leader")
    DEPARTMENT = "department", _("Department staff")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    LEADER = "leader", _("Leader / evaluator")
    ADMIN = "admin", _("Administrator")


# Roles that see the whole city regardless of their unit's territory.
CITYWIDE_ROLES = frozenset({Role.ADMIN, Role.LEADER})
