"""Forms of the portal pages: what a citizen, a petitioner or an operator enters, checked strictly.

Size limits (photos, texts) give a clear error on the field; the services check everything again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chengguan.catalog.models import Category, CategoryKind
from chengguan.portal.models import PetitionKind

MAX_DESCRIPTION = 4000


def category_label(category: Category) -> str:
    if (get_language() or "").startswith("zh") or not category.name_en:
        return category.name_zh
    return category.name_en


def category_choices() -> list[tuple[str, Any]]:
    """Active categories grouped by major class (events first: what citizens mostly report)."""
    rows = Category.objects.filter(is_active=True).select_related("major").order_by("-kind", "code")
    groups: dict[str, list[tuple[str, str]]] = {}
    for category in rows:
        major = category.major
        zh = (get_language() or "").startswith("zh")
        kind = CategoryKind(category.kind).label
        group = f"{kind} · {major.name_zh if zh or not major.name_en else major.name_en}"
        groups.setdefault(group, []).append((f"{category.kind}:{category.code}", category_label(category)))
    return [("", _("— choose what the problem is —")), *groups.items()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.ImageField):
    """Zero or more photos, each a real image no larger than ``PORTAL_PHOTO_MAX_MB``."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget = MultipleFileInput(attrs={"accept": "image/*", "multiple": True})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        limit = settings.PORTAL_MAX_PHOTOS
        if len(files) > limit:
            raise forms.ValidationError(
                _("At most %(n)s photos per report.") % {"n": limit}, code="too_many_photos"
            )
        max_bytes = settings.PORTAL_PHOTO_MAX_MB * 1024 * 1024
        cleaned = []
        for upload in files:
            if upload.size > max_bytes:
                raise forms.ValidationError(
                    _("The photo %(name)s is too large: at most %(mb)s MB.")
                    % {"name": upload.name, "mb": settings.PORTAL_PHOTO_MAX_MB},
                    code="photo_too_large",
                )
            cleaned.append(super().clean(upload, initial))
            upload.seek(0)
        return cleaned


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What is the problem?"))
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("Address or landmark"), max_length=200, required=False, widget=forms.TextInput()
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(label=_("Photos"))
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=64, required=False)
    reporter_phone = forms.CharField(
        label=_("Your phone (optional, never published)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.EmailField(
        label=_("Your e-mail (optional, never published)"), max_length=254, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["lon"].error_messages["required"] = _("Pick the place on the map or use your location.")
        self.fields["lat"].error_messages["required"] = _("Pick the place on the map or use your location.")


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Tracking number"), max_length=20)
    code = forms.CharField(label=_("Access code (to rate the result)"), max_length=16, required=False)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with the result?"),
        choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reopen = forms.BooleanField(
        label=_("The problem is not solved: ask for it to be handled again"), required=False
    )
    code = forms.CharField(widget=forms.HiddenInput, required=False)


class PetitionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PetitionKind.choices, widget=forms.RadioSelect)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("What happened, and what do you ask for?"), max_length=8000, widget=forms.Textarea
    )
    officer_badge = forms.CharField(
        label=_("Officer's badge number (complaints)"), max_length=32, required=False
    )
    address = forms.CharField(label=_("Where (address)"), max_length=200, required=False)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    occurred_at = forms.DateTimeField(
        label=_("When"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    petitioner_name = forms.CharField(label=_("Your name"), max_length=64)
    petitioner_phone = forms.CharField(
        label=_("Your phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    petitioner_email = forms.EmailField(label=_("Your e-mail"), max_length=254, required=False)


class PetitionTrackForm(forms.Form):
    number = forms.CharField(label=_("Tracking number"), max_length=20)
    code = forms.CharField(label=_("Access code"), max_length=16)


class PetitionHandleForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("acknowledge", _("Acknowledge")), ("answer", _("Answer"))], widget=forms.HiddenInput
    )
    text = forms.CharField(
        label=_("Text to the petitioner"), max_length=8000, required=False, widget=forms.Textarea
    )


class CallbackForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Reached the reporter?"),
        choices=[("1", _("Reached")), ("0", _("Not reached"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=[("", "—"), (5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reopen = forms.BooleanField(label=_("Not satisfied: reopen the case for rework"), required=False)


class SignupForm(UserCreationForm):
    name = forms.CharField(label=_("Your name"), max_length=64, required=False)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "name")
