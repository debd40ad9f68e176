"""The bureau's numbers: 甬综执罚决字〔2026〕第N号, one counter row per series and year.

``next_number`` moves the counter by compare-and-set (``UPDATE … WHERE last = <last read>``; when no
row changed somebody else took the number first and it tries again on the new value). Call it inside
the transaction that writes the document: if that transaction rolls back, so does the counter, and
the series has no gap.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import Conflict
from chengguan.documents.models import DocumentSeries, SeriesCounter

MAX_ATTEMPTS = 50


def next_number(series: DocumentSeries, year: int) -> int:
    """The next number of ``series`` in ``year`` (1 for the first document of the year)."""
    for _attempt in range(MAX_ATTEMPTS):
        counter = SeriesCounter.objects.filter(series=series, year=year).first()
        if counter is None:
            try:
                with transaction.atomic():
                    SeriesCounter.objects.create(series=series, year=year, last=1)
                return 1
            except IntegrityError:  # somebody opened the year at the same moment
                continue
        taken = counter.last + 1
        if SeriesCounter.objects.filter(pk=counter.pk, last=counter.last).update(last=taken):
            return taken
    raise Conflict(_("Could not take the next document number; try again."), field="number")
