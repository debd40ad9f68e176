"""Shared helpers of the staff web tests: the pages each role opens, and signing in."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from chengguan.core.testing import TinyCity

# (url name, args, roles that open it)
PAGES: list[tuple[str, tuple[Any, ...], tuple[str, ...]]] = [
    ("staff:console", (), ("operator", "dispatcher", "leader")),
    ("staff:queue", (), ("operator", "dispatcher")),
    ("staff:overdue", (), ("dispatcher",)),
    ("staff:cases", (), ("operator", "dispatcher", "inspector", "officer", "department", "leader")),
    ("staff:report", (), ("inspector",)),
    ("staff:tasks", (), ("inspector",)),
    ("staff:patrol", (), ("inspector", "officer")),
    ("staff:coverage", (), ("inspector", "officer")),
    ("staff:unit", (), ("officer", "squadron_leader", "department")),
    ("staff:beats", (), ("squadron_leader",)),
    ("staff:dashboard", (), ("leader", "dispatcher")),
    ("staff:dashboard_ranking", (), ("leader", "squadron_leader")),
    ("staff:parties", (), ("officer", "squadron_leader")),
    ("staff:violations", (), ("officer", "squadron_leader")),
    ("staff:proceedings", (), ("officer", "squadron_leader")),
    ("staff:seizures", (), ("officer", "squadron_leader")),
]


def client_for(city: TinyCity, username: str) -> Client:
    client = Client()
    client.force_login(city.users[username])
    return client


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)
