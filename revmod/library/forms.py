"""The library's forms: the list's filters and order (also those of its downloads and of
/api/v1/resources/), a resource's fields, and a new version."""

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from revmod.lib import lists
from revmod.lib.i18n import DATA_CODES, RTL_LANGUAGES, field_names
from revmod.library import languages
from revmod.library.actions import FIELDS
from revmod.library.models import Resource, ResourceVersion


class ResourceFilterForm(lists.Sorted):
    """Search (title or description, in any of the six languages), kind, language (a version
    in it) and order. By default by title in the page's language."""

    SORTS = {
        "title": (lambda: lists.translated("title"),),
        "kind": ("kind",),
        "changed": ("changed_at",),
    }
    DEFAULT_ORDERING = "title"

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *Resource.Kind.choices]
        self.fields["language"].choices = [("", _("All languages")), *languages.choices()]

    def filter(self, resources):
        if not self.is_valid():
            return resources.none()
        data = self.cleaned_data
        if data["q"].strip():
            words = Q()
            for name in [*field_names("title"), *field_names("description")]:
                words |= Q(**{f"{name}__icontains": data["q"].strip()})
            resources = resources.filter(words)
        if data["kind"]:
            resources = resources.filter(kind=data["kind"])
        if data["language"]:
            in_language = ResourceVersion.objects.filter(
                resource=OuterRef("pk"), language=data["language"]
            )
            resources = resources.filter(Exists(in_language))
        return self.order(resources)


class ResourceForm(forms.ModelForm):
    """A resource's kind, and its title and description in each of the six languages (English
    required; an empty translation shows the English one)."""

    class Meta:
        model = Resource
        fields = list(FIELDS)
        widgets = {name: forms.Textarea({"rows": 3}) for name in field_names("description")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each translation typed in its own language and direction (Arabic right to left).
        for field in ("title", "description"):
            for name, code in zip(field_names(field), DATA_CODES, strict=True):
                attrs = self.fields[name].widget.attrs
                attrs.update({"lang": "zh-Hans" if code == "zh" else code, "dir": "auto"})
                if code in RTL_LANGUAGES:
                    attrs["dir"] = "rtl"


class VersionForm(forms.Form):
    """A new version of a resource in a language: a file or a link."""

    language = forms.ChoiceField(label=_("Language"))
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, ODT or TXT. Earlier versions in this language are kept."),
    )
    link = forms.URLField(
        label=_("Link"),
        required=False,
        assume_scheme="https",
        help_text=_("For an e-learning module hosted elsewhere, instead of a file."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages.choices()

    def clean(self):
        data = super().clean()
        if data.get("file") and data.get("link"):
            raise forms.ValidationError(_("Give either a file or a link, not both."))
        if not data.get("file") and not data.get("link") and not self.errors:
            raise forms.ValidationError(_("Give a file or a link."))
        return data
