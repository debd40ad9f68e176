"""How an audit entry is hashed: the canonical serialisation and SHA-256 link to the previous entry.

The hash of an entry is ``sha256(canonical_json(fields) + prev_hash)`` where ``canonical_json`` is
``json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)`` of the seq,
the time (ISO 8601, UTC, with microseconds), the actor's id and label, the action, the target and
the payload. The first entry links to ``GENESIS_HASH`` (64 zeros).

Payloads are normalised before they are stored, so that what the database gives back (SQLite's
JSON text or PostgreSQL's jsonb, which reorders keys and reads numbers as ``numeric``) serialises to
exactly the same text again: dates, times, Decimals and UUIDs become strings, tuples and sets become
lists, ``-0.0`` becomes ``0.0`` and integral floats too large for a plain decimal (``1e+16`` and up)
become integers; NaN, infinities and NUL characters are refused.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from enum import Enum
from typing import Any

from django.utils.functional import Promise

GENESIS_HASH = "0" * 64

# Python writes floats of this magnitude with an exponent; PostgreSQL's numeric gives them back
# as plain integers, so integral ones are stored as integers from the start.
_EXPONENT_FLOAT = 1e16


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def format_at(at: dt.datetime) -> str:
    """The entry's time as hashed: ISO 8601 in UTC with microseconds, e.g. ``2025-01-02T03:04:05.000006+00:00``."""
    if at.tzinfo is None:
        raise ValueError("audit times must be aware datetimes")
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def compute_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    payload: Any,
    prev_hash: str,
) -> str:
    """SHA-256 (64 lowercase hex digits) of an entry's canonical serialisation followed by ``prev_hash``."""
    body = canonical_json(
        {
            "seq": seq,
            "at": format_at(at),
            "actor": actor_id,
            "actor_label": actor_label,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "payload": payload,
        }
    )
    return hashlib.sha256((body + prev_hash).encode("utf-8")).hexdigest()


def _text(value: str, path: str) -> str:
    if "\x00" in value:
        raise ValueError(f"audit payload {path}: NUL characters cannot be stored")
    return value


def normalise_payload(value: Any, path: str = "payload") -> Any:
    """A JSON value that survives a round trip through SQLite or PostgreSQL unchanged.

    Raises ``ValueError`` (naming the place in the payload) for what JSON cannot hold faithfully.
    """
    # the common exact types first (intake records dozens of values per report); subclasses such
    # as enums or lazy strings take the general way below
    kind = type(value)
    if kind is str:
        return _text(value, path)
    if kind is int or value is None or kind is bool:
        return value
    if kind is dict:
        out: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str:
                return _mapping(value, path)
            if "\x00" in key:
                return _mapping(value, path)  # raises, naming the key
            out[key] = normalise_payload(item, f"{path}.{key}")
        return out
    if kind is list:
        return [normalise_payload(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, Enum):
        return normalise_payload(value.value, path)
    if isinstance(value, str):
        return _text(str(value), path)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"audit payload {path}: {value!r} is not a finite number")
        if value == 0:
            return 0.0  # also turns -0.0 into 0.0 (numeric has no negative zero)
        if abs(value) >= _EXPONENT_FLOAT and value.is_integer():
            return int(value)
        return float(value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"audit payload {path}: {value!r} is not a finite number")
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return format_at(value)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value.total_seconds())
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Promise):  # lazy translations
        return _text(str(value), path)
    if isinstance(value, Mapping):
        return _mapping(value, path)
    if isinstance(value, list | tuple):
        return [normalise_payload(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, set | frozenset):
        items = [normalise_payload(item, f"{path}[]") for item in value]
        return sorted(items, key=canonical_json)
    raise ValueError(f"audit payload {path}: {type(value).__name__} values cannot be recorded")


def _mapping(value: Mapping[Any, Any], path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = key.value if isinstance(key, Enum) else key
        if isinstance(name, bool) or not isinstance(name, str | int):
            raise ValueError(f"audit payload {path}: key {key!r} is not a string")
        name = _text(str(name), path)
        if name in out:
            raise ValueError(f"audit payload {path}: key {name!r} appears twice")
        out[name] = normalise_payload(item, f"{path}.{name}")
    return out
