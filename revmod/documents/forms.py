from django import forms
from django.utils.translation import gettext_lazy as _

from revmod.documents.models import KIND_LABELS, Document
from revmod.lib import lists
from revmod.lib.i18n import LANGUAGE_CHOICES


class DocumentListForm(lists.Sorted):
    """The order of a review's documents page: by default by kind, then the first uploaded
    first (the order the page always had)."""

    SORTS = {
        "title": ("title",),
        "kind": ("kind", "created_at"),
        "language": ("language",),
        "party": (lambda: lists.translated("party__name"), "party__code"),
    }
    DEFAULT_ORDERING = "kind"


class UploadForm(forms.Form):
    """Upload a document, or a new version of one. The kinds offered are those the user may
    upload; the action checks again (and checks the file by its content)."""

    document = forms.ModelChoiceField(
        label=_("New version of"),
        queryset=Document.objects.none(),
        required=False,
        empty_label=_("— a new document —"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.odt,.txt"}),
    )

    def __init__(self, *args, kinds=(), documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, KIND_LABELS[k]) for k in kinds]
        self.fields["document"].queryset = Document.objects.filter(pk__in=[d.pk for d in documents])
        self.fields["document"].label_from_instance = lambda d: (
            f"{d.title} ({d.get_kind_display()}, {d.language})"
        )
        self.documents = list(documents)

    def clean(self):
        data = super().clean()
        if data.get("document") is None:
            for name, message in [
                ("kind", _("Choose the kind of document.")),
                ("language", _("Choose the document's language.")),
                ("title", _("Give the document a title.")),
            ]:
                if not data.get(name):
                    self.add_error(name, message)
        return data
