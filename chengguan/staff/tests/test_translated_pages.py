"""Every staff page rendered in zh-hans shows no English msgid of the staff app: each msgid a page
uses has a translation in the compiled zh-hans catalogue, and no English words remain on the page.

The msgids are read from the app's templates and modules (``chengguan.staff.messages``); the
catalogue is read through ``django.utils.translation``, as the pages read it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import translation

from chengguan.cases import workflow
from chengguan.cases.models import Case
from chengguan.cases.tests.builders import (
    EAST,
    STREET_VENDING,
    accepted,
    dispatched,
    handled,
    photo,
    reported,
)
from chengguan.core.testing import TinyCity
from chengguan.staff.messages import staff_msgids
from chengguan.staff.tests.helpers import PAGES, client_for, url

# Words that are the same in Chinese pages: file formats, the hash name, the English language button.
ALLOWED_WORDS = {"CSV", "SHA", "JPEG", "PNG", "English"}
VISIBLE_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


class VisibleText(HTMLParser):
    """The text a person sees or hears: text outside script and style, and the labelling attributes.

    Data that is never translated (file names, hashes) is marked ``translate="no"`` and left out.
    """

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipped: list[str] = []  # open tags whose text is left out

    @property
    def hidden(self) -> bool:
        return bool(self.skipped)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style") or ("translate", "no") in attrs:
            self.skipped.append(tag)
        elif not self.hidden:
            for name, value in attrs:
                if name in VISIBLE_ATTRIBUTES and value:
                    self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self.skipped and self.skipped[-1] == tag:
            self.skipped.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_fragments(msgid: str) -> list[str]:
    """The literal parts of a msgid that would show if it were not translated."""
    return [part.strip() for part in PLACEHOLDER.split(msgid) if len(part.strip()) >= 3]


def untranslated_on(text: str) -> list[str]:
    problems = []
    with translation.override("zh-hans"):
        for msgid in sorted(staff_msgids()):
            fragments = english_fragments(msgid)
            if not fragments or not all(f in text for f in fragments):
                continue
            if translation.gettext(msgid) == msgid:
                problems.append(f"no zh-hans translation: {msgid!r}")
            else:
                problems.append(f"shown in English although translated: {msgid!r}")
    words = set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_WORDS
    if words:
        problems.append(f"English words on the page: {sorted(words)}")
    return problems


@pytest.fixture
def busy_city(tiny_city: TinyCity) -> TinyCity:
    """Cases in every step, a duplicate, an overdue case and a patrol, so every part of every page shows."""
    first = reported(tiny_city, files=[photo()])
    reported(tiny_city)  # a duplicate of the first
    dispatched(tiny_city, category=STREET_VENDING)
    accepted(tiny_city, category=STREET_VENDING)
    done = handled(tiny_city, category=STREET_VENDING)
    closed = handled(tiny_city, category=STREET_VENDING)
    workflow.verify(closed.pk, actor=tiny_city.users["inspector"], version=closed.version, passed=True)
    late = dispatched(tiny_city, at=EAST, category=STREET_VENDING)
    Case.objects.filter(pk=late.pk).update(current_due="2020-01-01T00:00Z")
    tiny_city.extra.update(first=first, done=done, closed=closed)
    client = client_for(tiny_city, "inspector")
    client.post(url("staff:patrol"), {"do": "start"})
    client.post(url("staff:patrol_position"), {"lon": 121.535, "lat": 29.875})
    return tiny_city


def pages_in_chinese(city: TinyCity) -> list[tuple[str, str, str]]:
    """(who, url, html) of every staff page, in zh-hans (no language prefix)."""
    rendered = []
    for name, args, roles in PAGES:
        for role in roles:
            response = client_for(city, role).get(url(name, *args))
            rendered.append((role, url(name, *args), response.content.decode()))
    cases = [city.extra["first"], city.extra["done"], city.extra["closed"]]
    for role in ("operator", "dispatcher", "officer", "inspector", "leader"):
        for case in cases:
            response = client_for(city, role).get(url("staff:case", case.pk))
            rendered.append((role, url("staff:case", case.pk), response.content.decode()))
    # a page with a message after an action, and one with an error message
    operator = client_for(city, "operator")
    first = city.extra["first"]
    response = operator.post(
        url("staff:case_action", first.pk), {"action": "register", "version": first.version + 9}, follow=True
    )
    rendered.append(("operator", "conflict", response.content.decode()))
    response = operator.post(
        url("staff:case_action", first.pk), {"action": "register", "version": first.version}, follow=True
    )
    rendered.append(("operator", "registered", response.content.decode()))
    inspector = client_for(city, "inspector")
    response = inspector.post(url("staff:report"), {"category": "", "lon": "", "lat": ""})
    rendered.append(("inspector", "report error", response.content.decode()))
    rendered.append(
        ("inspector", "report done", inspector.get(url("staff:report_done", first.pk)).content.decode())
    )
    rendered.append(("anonymous", "login", Client().get(url("staff:login")).content.decode()))
    bad_login = Client().post(url("staff:login"), {"username": "x", "password": "y"})
    rendered.append(("anonymous", "login error", bad_login.content.decode()))
    rendered.append(("inspector", "denied", inspector.get(url("staff:console")).content.decode()))
    return rendered


def test_every_staff_page_in_chinese_shows_no_untranslated_msgid(busy_city: TinyCity) -> None:
    failures = []
    for who, address, html in pages_in_chinese(busy_city):
        assert 'lang="zh-hans"' in html or "<html" not in html, address
        for problem in untranslated_on(visible_text(html)):
            failures.append(f"{address} ({who}): {problem}")
    assert not failures, "\n".join(sorted(set(failures)))


def test_the_check_finds_an_untranslated_msgid_and_stray_english() -> None:
    """The checker itself: English of the app, or any English word, on a Chinese page is reported."""
    assert any("Overdue board" in problem for problem in untranslated_on("工作台\nOverdue board\n"))
    assert any("Hello" in problem for problem in untranslated_on("工作台\nHello\n"))
    assert untranslated_on("工作台 20261122-00001 下载 CSV") == []
