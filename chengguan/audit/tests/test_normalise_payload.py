"""The audit payload's normalisation takes a short way for plain dicts, lists, strings and integers;
it must give exactly what the general way gives (or refuse with the same message)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chengguan.audit.chain import normalise_payload

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


class Text(str):
    pass


class Whole(int):
    pass


def general(value: Any) -> Any:
    """The same value in types the short way does not take (subclasses, proxies, tuples)."""
    if isinstance(value, dict):
        return MappingProxyType({Text(key): general(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(general(item) for item in value)
    if isinstance(value, str):
        return Text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return Whole(value)
    return value


def outcome(value: Any) -> tuple[str, Any]:
    try:
        return "ok", normalise_payload(value)
    except ValueError as exc:
        return "refused", str(exc)


@given(values)
def test_the_short_way_gives_what_the_general_way_gives(value: Any) -> None:
    assert outcome(value) == outcome(general(value))


def test_a_nul_in_a_key_or_a_text_is_refused_naming_the_place() -> None:
    assert outcome({"a": {"b\x00": 1}}) == (
        "refused",
        "audit payload payload.a: NUL characters cannot be stored",
    )
    assert outcome({"a": ["x", "y\x00"]}) == (
        "refused",
        "audit payload payload.a[1]: NUL characters cannot be stored",
    )
