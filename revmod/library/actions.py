"""The secretariat's operations on the library, one transaction each: record or edit a
resource, publish or unpublish it, add a version (a file or a link) in a language.

Each refuses with LibraryError (a message for the person who tried; nothing changed) when the
person is not the secretariat or the input is wrong. A file is checked by its content
(lib.uploads.check_upload) before anything is stored, stored under a name the server makes, and
deleted again if the rows cannot be saved: no stray file is left behind."""

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext_lazy

from revmod.lib.i18n import field_names
from revmod.lib.uploads import check_upload, server_name
from revmod.library import access, languages
from revmod.library.models import Resource, ResourceVersion
from revmod.registry import versions

FOLDER = "library"
# The fields of a resource the secretariat writes (published apart: `publish`).
FIELDS = ("kind", *field_names("title"), *field_names("description"))
ERROR_MESSAGES = {
    "not_allowed": gettext_lazy("Only the secretariat keeps the resources library."),
    "bad_language": gettext_lazy("Choose a language from the list."),
    "file_or_link": gettext_lazy("Give either a file or a link, not both."),
    "nothing": gettext_lazy("Give a file or a link."),
    "bad_link": gettext_lazy("Give a full web address, starting with https:// or http://."),
}


class LibraryError(Exception):
    """An operation refused. `code`: "not_allowed" (the API answers 403), "invalid" with
    `errors` ({field: [messages]}) for a resource's fields, "bad_file" for a file refused by
    its content, otherwise a code of ERROR_MESSAGES (400)."""

    def __init__(self, message: str, code: str, errors: dict | None = None):
        super().__init__(message)
        self.code = code
        self.errors = errors or {}

    @property
    def forbidden(self) -> bool:
        return self.code == "not_allowed"


def _refuse(code: str):
    raise LibraryError(str(ERROR_MESSAGES[code]), code)


def _allowed(by) -> None:
    if not access.may_edit(by):
        _refuse("not_allowed")


def _validated(resource: Resource) -> None:
    """The model's own checks (kind among the choices, English title given, lengths)."""
    for name in FIELDS:
        value = getattr(resource, name)
        setattr(resource, name, value.strip() if isinstance(value, str) else value)
    try:
        resource.full_clean(exclude=["created_by", "changed_by"])
    except ValidationError as error:
        errors = {k: [str(m) for m in v] for k, v in error.message_dict.items()}
        message = " ".join(m for messages in errors.values() for m in messages)
        raise LibraryError(message, "invalid", errors) from None


@transaction.atomic
def save_resource(resource: Resource | None, *, by, now: dt.datetime, **fields) -> Resource:
    """Record a new resource (`resource` None; unpublished) or change `resource`: its kind,
    titles and descriptions (`fields`, names of FIELDS; those not given stay as they are).
    The English title is required. Who and when are recorded."""
    _allowed(by)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if resource is None:
        resource = Resource(created_by=by, created_at=now)
    else:
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
    for name, value in fields.items():
        setattr(resource, name, value if value is not None else "")
    resource.changed_by, resource.changed_at = by, now
    _validated(resource)
    resource.save()
    versions.bump()  # its kind shows in the status report (¶48)
    return resource


@transaction.atomic
def publish(resource: Resource, published: bool, *, by, now: dt.datetime) -> Resource:
    """Publish `resource` (the public then sees it and its files) or unpublish it. Publishing a
    published one changes nothing (its date of publication stays)."""
    _allowed(by)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.published == published:
        return resource
    resource.published = published
    resource.published_at = now if published else None
    resource.changed_by, resource.changed_at = by, now
    resource.save()
    versions.bump()  # the status report counts the published resources (¶48)
    return resource


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _checked_link(link: str) -> str:
    link = (link or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        _refuse("bad_link")
    return link


def add_version(
    resource: Resource, *, by, now: dt.datetime, language: str, file=None, link: str = ""
) -> ResourceVersion:
    """The next version of `resource` in `language` (a code of languages.CODES): an uploaded
    `file` (PDF, DOCX, XLSX, ODT or TXT, checked by content) or a `link`. The earlier versions
    stay, downloadable; the new one is the one offered first. Refused, with nothing stored,
    when `by` is not the secretariat, the language is not in the list, the file is refused, or
    neither or both of a file and a link are given."""
    _allowed(by)
    if language not in languages.CODES:
        _refuse("bad_language")
    if file and (link or "").strip():
        _refuse("file_or_link")
    if not file and not (link or "").strip():
        _refuse("nothing")
    version = ResourceVersion(language=language, uploaded_by=by, uploaded_at=now)
    if not file:
        version.link = _checked_link(link)
        with transaction.atomic():
            return _record(resource, version)
    try:
        fmt = check_upload(file)
    except ValidationError as error:
        raise LibraryError(" ".join(error.messages), "bad_file") from None
    version.sha256, version.size = _sha256(file), file.size
    version.content_type, version.original_name = fmt.content_type, (file.name or "")[-255:]
    stored = default_storage.save(server_name(FOLDER, fmt.extension, today=now.date()), file)
    try:
        with transaction.atomic():
            version.file.name = stored
            return _record(resource, version)
    except BaseException:
        default_storage.delete(stored)
        raise


def _record(resource: Resource, version: ResourceVersion) -> ResourceVersion:
    """Save `version` as the next number of its language (the resource locked, so that two
    uploads at once cannot take the same number)."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    last = (
        resource.versions.filter(language=version.language)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    version.resource, version.number = resource, (last or 0) + 1
    version.save()
    resource.changed_by, resource.changed_at = version.uploaded_by, version.uploaded_at
    resource.save(update_fields=["changed_by", "changed_at"])
    versions.bump()  # the status report counts the resources by language
    return version
