"""The zh-hans catalogue is complete: every string the code marks for translation has a Chinese text."""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")


def _entries(po_file: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file, header excluded; plural forms joined.

    An entry with a context has the msgid ``context\x04msgid``, as in the compiled catalogue.
    """
    entries = []
    text = po_file.read_text(encoding="utf-8")
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        fuzzy = any(ln.startswith("#,") and "fuzzy" in ln for ln in lines)
        parts: dict[str, list[str]] = {}
        key = None
        for ln in lines:
            if ln.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?)\s+"(.*)"$', ln)
            if m:
                key = m.group(1)
                parts[key] = [ast.literal_eval(f'"{m.group(2)}"')]
            elif ln.startswith('"') and key:
                parts[key].append(ast.literal_eval(ln.strip()))
        if "msgid" not in parts:
            continue
        msgid = "".join(parts["msgid"])
        if msgid == "":
            continue
        if "msgctxt" in parts:
            msgid = "".join(parts["msgctxt"]) + "\x04" + msgid
        msgstrs = ["".join(v) for k, v in parts.items() if k.startswith("msgstr")]
        entries.append((msgid, "\x00".join(msgstrs) if all(msgstrs) else "", fuzzy))
    return entries


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_chinese_entry_is_translated_and_not_fuzzy(domain: str) -> None:
    po_file = CATALOGUE / f"{domain}.po"
    if domain == "djangojs" and not po_file.exists():
        pytest.skip("no JavaScript strings")

    entries = _entries(po_file)

    assert entries, f"{po_file.name} is empty"
    assert [e[0] for e in entries if not e[1]] == []
    assert [e[0] for e in entries if e[2]] == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_compiled_catalogue_matches_the_source(domain: str) -> None:
    po_file = CATALOGUE / f"{domain}.po"
    if domain == "djangojs" and not po_file.exists():
        pytest.skip("no JavaScript strings")
    with (CATALOGUE / f"{domain}.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)

    stale = [
        msgid
        for msgid, msgstr, _ in _entries(po_file)
        if "\x00" not in msgstr and compiled.gettext(msgid) != msgstr
    ]

    assert stale == [], "run `make messages` to recompile the catalogue"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_catalogue_holds_every_string_the_code_marks(tmp_path: Path) -> None:
    copy = tmp_path / "chengguan"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.mo", "tests", "migrations")
    )
    (copy / "locale" / "zh_Hans" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        existing = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
        if existing.exists():
            existing.unlink()
        # The copy shadows the installed package, so its settings point LOCALE_PATHS at the copy:
        # the real catalogue is never touched.
        env = {
            **os.environ,
            "PYTHONPATH": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "chengguan.settings",
            "CHENGGUAN_VAR_DIR": str(tmp_path / "var"),
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "-d",
                domain,
                "-l",
                "zh_Hans",
                "--no-location",
                "--ignore",
                "static/*/vendor/*",
            ],
            cwd=copy,
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        fresh = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
        if not fresh.exists():
            continue
        committed = {e[0] for e in _entries(CATALOGUE / f"{domain}.po")}
        missing = sorted({e[0] for e in _entries(fresh)} - committed)
        assert missing == [], f"strings missing from {domain}.po; run `make messages`"
