"""The Open311 part of the demo city: one API key with a fixed, documented value.

``seed_demo()`` is idempotent. With the demo served (``chengguan demo``), try::

    curl 'http://127.0.0.1:8000/open311/v2/services.json'
    curl -F api_key=chengguan-demo-open311-key -F service_code=component-0102 \\
         -F lat=<lat> -F long=<lon> -F description=井盖缺失 -F media=@photo.jpg \\
         'http://127.0.0.1:8000/open311/v2/requests.json'
    curl 'http://127.0.0.1:8000/open311/v2/requests.xml?extensions=true&status=open'
"""

from __future__ import annotations

from chengguan.open311.models import ApiKey

DEMO_KEY = "chengguan-demo-open311-key"


def seed_demo() -> ApiKey:
    """The demo's API key (created once; a key switched off in the admin stays off)."""
    key, _created = ApiKey.objects.get_or_create(
        key=DEMO_KEY,
        defaults={"name": "演示应用 (demo app)", "owner_contact": "chengguan demo"},
    )
    return key
