"""``insert_many``: Django's ``bulk_create`` for new rows, without its per-value compiler work.

``QuerySet.bulk_create`` compiles every value of every row through the SQL compiler (pre_save,
get_db_prep_save, an expression check and a placeholder each). For a batch of intake that is about
70 values per report and most of the cost of storing it. ``insert_many`` decides once per model
which fields need Django's conversion (dates and times, JSON, decimals, ``auto_now``) and passes
every other value (text, numbers, booleans, foreign-key ids) to the driver as it is, in one
multi-row ``INSERT … RETURNING`` per chunk, and sets the primary keys on the objects.

It writes plain new model instances, no expressions; signals are not sent (as with ``bulk_create``).
On a database that cannot return keys from a multi-row insert it is ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)

# Fields whose value goes to the driver unchanged (the model's own Python values are already right).
PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "EmailField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)
# SQLite allows 32,766 bound values per statement, PostgreSQL 65,535.
MAX_VALUES = 30000


def _prep(field: models.Field, value: Any, connection: Any) -> Any:
    return None if value is None else field.get_db_prep_save(value, connection)


@lru_cache(maxsize=64)
def _plan(model: type[models.Model], alias: str) -> tuple[str, list[Callable[[Any, bool], Any]], int]:
    connection = connections[alias]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.db_returning)]
    getters: list[Callable[[Any, bool], Any]] = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            getters.append(lambda obj, _add, f=field: f.get_db_prep_save(f.pre_save(obj, True), connection))
        elif field.get_internal_type() in PLAIN_TYPES:
            getters.append(lambda obj, _add, name=field.attname: getattr(obj, name))
        elif field.get_internal_type() == "JSONField":  # None may mean JSON null: Django decides
            getters.append(lambda obj, _add, f=field: f.get_db_prep_save(getattr(obj, f.attname), connection))
        else:  # dates, times, decimals …: NULL stays NULL, the rest is converted
            getters.append(lambda obj, _add, f=field: _prep(f, getattr(obj, f.attname), connection))
    q = connection.ops.quote_name
    head = f"INSERT INTO {q(meta.db_table)} ({', '.join(q(f.column) for f in fields)}) VALUES "
    return head, getters, len(fields)


def insert_many(objs: Sequence[M], *, using: str | None = None) -> list[M]:
    """Insert new instances of one model (no primary keys yet) and give them their keys."""
    if not objs:
        return []
    model = type(objs[0])
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    pk = model._meta.pk
    if not (connection.features.can_return_rows_from_bulk_insert and pk.db_returning):
        return list(model._default_manager.db_manager(alias).bulk_create(objs))
    head, getters, width = _plan(model, alias)
    row_sql = "(" + ", ".join(["%s"] * width) + ")"
    chunk = max(1, MAX_VALUES // max(width, 1))
    returning = f" RETURNING {connection.ops.quote_name(pk.column)}"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), chunk):
            part = objs[start : start + chunk]
            params = [get(obj, True) for obj in part for get in getters]
            cursor.execute(head + ", ".join([row_sql] * len(part)) + returning, params)
            for obj, (key,) in zip(part, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, key)
                obj._state.adding = False
                obj._state.db = alias
    return list(objs)
