"""Language of a request.

Pages live under ``i18n_patterns`` with the default language unprefixed (``/`` Chinese, ``/en/``
English): there the path decides, as Django's ``LocaleMiddleware`` does. Django then treats every
unprefixed path as the default language, also the machine interfaces, so an API client asking
``Accept-Language: en`` would still get Chinese. Under ``API_PREFIXES`` the language comes from the
request instead: the language cookie, then ``Accept-Language``, then Chinese.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

API_PREFIXES = ("/api/", "/open311/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith(API_PREFIXES):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)
