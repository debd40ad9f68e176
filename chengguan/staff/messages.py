"""The English msgids of the staff web, read from its templates and Python modules.

Used by the test that renders every page in Chinese and by ``python -m chengguan.staff.messages``,
which prints the msgids missing from the compiled zh-hans catalogue.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils.translation.template import templatize

APP_DIR = Path(__file__).resolve().parent
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop"}
TEMPLATE_CALL = re.compile(r"\bgettext\((u?'(?:[^'\\]|\\.)*')\)")


def template_msgids(path: Path) -> set[str]:
    source = templatize(path.read_text(encoding="utf-8"))
    return {ast.literal_eval(literal) for literal in TEMPLATE_CALL.findall(source)}


def python_msgids(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in GETTEXT_NAMES and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def staff_msgids() -> set[str]:
    """Every msgid the staff app's pages and modules use (not its tests)."""
    found: set[str] = set()
    for path in sorted((APP_DIR / "templates").rglob("*.html")):
        found |= template_msgids(path)
    for path in sorted(APP_DIR.glob("*.py")):
        found |= python_msgids(path)
    return found


if __name__ == "__main__":  # pragma: no cover
    import django

    django.setup()
    from django.utils import translation

    with translation.override("zh-hans"):
        for msgid in sorted(staff_msgids()):
            if translation.gettext(msgid) == msgid:
                print(msgid)
