"""chengguan's WSGI application: Django's, with the quick path of field apps' reports in front
(``cases.api.quick.QuickIntakeHandler``). Each worker warms up before its first request
(``core.warmup``); ``CHENGGUAN_WARM_UP=0`` leaves that to the first request."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengguan.settings")
django.setup(set_prefix=False)

from chengguan.cases.api.quick import QuickIntakeHandler  # noqa: E402 - needs the apps loaded

application = QuickIntakeHandler()

if os.environ.get("CHENGGUAN_WARM_UP", "1") != "0":
    from chengguan.core.warmup import warm_up

    warm_up()
