"""Onboarding: registration from a note verbale, activation through the e-mailed link,
approval by the secretariat (which makes the nomination), and the secretariat's pages."""

import datetime as dt
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from revmod.accounts import actions
from revmod.accounts.models import Nomination, Registration, User
from revmod.notifications.delivery import deliver_all_due
from revmod.registry.models import Party
from revmod.reviews.models import ReviewEvent
from revmod.test import (
    FORMULA,
    PDF,
    assert_inert,
    body,
    count_queries,
    make_user,
    make_world,
    nominate,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Tr3e-frogs-under-the-bridge"
LINK = re.compile(r"https?://\S+/activate/\S+/")


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def secretariat(registry):
    return make_user("secretariat", secretariat=True)


@pytest.fixture
def on_commit():
    """After the block, the outbox worker sends what the actions enqueued (the e-mail)."""

    @contextmanager
    def deliver():
        yield
        deliver_all_due(now=timezone.now())

    return deliver


def note(name="note.pdf", data=PDF):
    return SimpleUploadedFile(name, data)


def register(
    secretariat,
    email="ana@example.org",
    *,
    party="DEU",
    language="en",
    now=None,
    kind=Nomination.Kind.FOCAL_POINT,
    scope=Nomination.Scope.OWN,
):
    return actions.register(
        email=email,
        first_name="Ana",
        last_name="Weber",
        party=Party.objects.get(code=party),
        kind=kind,
        scope=scope,
        language=language,
        note_verbale=note(),
        received_on=dt.date(2024, 5, 1),
        by=secretariat,
        now=now or timezone.now(),
        site_url="http://testserver/",
    )


def registered(secretariat, on_commit, **kwargs) -> tuple[Registration, str]:
    """A registration through the action, and the link the person received."""
    with on_commit():
        registration = register(secretariat, **kwargs)
    return registration, LINK.search(mail.outbox[-1].body).group(0)


def profile(**extra):
    return {
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "gender": "female",
        "ministry": "justice",
        "languages": ["en", "fr"],
        "preferred_language": "fr",
        **extra,
    }


def activated(secretariat, on_commit, client, **kwargs) -> Registration:
    registration, link = registered(secretariat, on_commit, **kwargs)
    assert client.post(link, profile()).status_code == 200
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACTIVATED
    return registration


def signs_in(client, login, password=NEW_PASSWORD) -> bool:
    client.post(url("account_login"), {"login": login, "password": password})
    signed_in = "_auth_user_id" in client.session
    client.logout()
    return signed_in


def media_files(folder=actions.NOTE_VERBALE_FOLDER) -> list[Path]:
    return [p for p in (Path(settings.MEDIA_ROOT) / folder).rglob("*") if p.is_file()]


# --- The whole path


def test_registration_activation_approval_then_sign_in(client, on_commit):
    secretariat, reviews = make_world()
    client.force_login(secretariat)
    with on_commit():
        response = client.post(
            url("accounts:registration-new"),
            {
                "first_name": "Ana",
                "last_name": "Weber",
                "email": "Ana.Weber@Example.org",
                "party": "DEU",
                "kind": "focal_point",
                "scope": "own",
                "language": "fr",
                "received_on": "2024-04-30",
                "note_verbale": note("Note DEU 2024-17.pdf"),
            },
        )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("accounts:registration-detail", registration.pk)
    person = registration.person
    assert person.username == person.email == "ana.weber@example.org"
    assert not person.is_active and not person.has_usable_password()
    assert person.party.code == "DEU" and person.preferred_language == "fr"
    # The note verbale is stored under a name the server made, not the uploader's.
    assert registration.note_verbale.name.startswith("notes-verbales/")
    assert "Note DEU" not in registration.note_verbale.name

    # The e-mail: one message, to the person, in their language, with a link in that language.
    (message,) = mail.outbox
    assert message.to == ["ana.weber@example.org"]
    assert message.extra_headers["Content-Language"] == "fr"
    assert "Allemagne" in message.subject and "Allemagne" in message.body
    link = LINK.search(message.body).group(0)
    assert link.startswith("http://testserver/fr/people/activate/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in registration.token_hash  # only its hash is stored
    assert registration.token_hash == actions.token_hash(token)

    # Activation, signed out, with the profile.
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and 'name="password1"' in page.content.decode()
    done = client.post(link, profile())
    assert done.status_code == 200
    person.refresh_from_db()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACTIVATED
    assert (person.gender, person.ministry, person.languages) == ("female", "justice", ["en", "fr"])
    assert person.check_password(NEW_PASSWORD)
    # Awaiting approval: the account cannot sign in yet, and is told why.
    assert not signs_in(client, "ana.weber@example.org")
    inactive = client.post(
        url("account_login"),
        {"login": "ana.weber@example.org", "password": NEW_PASSWORD},
        follow=True,
    )
    assert "approved the registration" in inactive.content.decode()
    client.force_login(secretariat)
    detail = client.get(url("accounts:registration-detail", registration.pk)).content.decode()
    assert "Awaiting approval" in detail and "Justice" in detail
    assert url("accounts:registration-approve", registration.pk) in detail
    client.logout()
    # The link works once.
    assert client.get(link).status_code == 410

    # Approval makes the nomination through the review actions (events recorded).
    client.force_login(secretariat)
    approve = client.post(url("accounts:registration-approve", registration.pk))
    assert approve.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    nomination = Nomination.objects.active().get(person=person)
    assert registration.nomination == nomination
    assert (nomination.party.code, nomination.kind, nomination.scope) == (
        "DEU",
        "focal_point",
        "own",
    )
    assert ReviewEvent.objects.filter(review=reviews["DEU"], kind="focal_point_named").exists()
    client.logout()
    assert signs_in(client, "ana.weber@example.org")
    assert [h["what"] for h in registration.history] == ["registered", "activated", "approved"]


def test_approval_replacing_a_focal_point_needs_a_handover_note(client, secretariat, on_commit):
    old = make_user("old-fp")
    nominate(old, "DEU", Nomination.Kind.FOCAL_POINT, Nomination.Scope.OWN, secretariat)
    registration = activated(secretariat, on_commit, client)
    client.force_login(secretariat)
    client.post(url("accounts:registration-approve", registration.pk))
    registration.refresh_from_db()
    # Refused as a whole: still awaiting approval, no nomination, cannot sign in.
    assert registration.status == Registration.Status.ACTIVATED
    assert not registration.person.nominations.exists()
    assert not User.objects.get(pk=registration.person.pk).is_active
    client.post(
        url("accounts:registration-approve", registration.pk),
        {"handover_note": "Files handed over.", "starts_on": "2024-06-01"},
    )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    assert registration.nomination.starts_on == dt.date(2024, 6, 1)
    assert Nomination.objects.get(person=old).ends_on == dt.date(2024, 6, 1)


# --- Links: expired, reused, replaced, wrong


def test_expired_link_is_refused_with_a_page_saying_whom_to_ask(client, secretariat, on_commit):
    days = settings.REVMOD_ACTIVATION_DAYS
    registered_at = timezone.now() - dt.timedelta(days=days, minutes=1)
    registration, link = registered(secretariat, on_commit, now=registered_at)
    response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode() and "secretariat" in response.content.decode()
    assert client.post(link, profile()).status_code == 410
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert registration.state(timezone.now()) == Registration.State.EXPIRED
    token = link.rstrip("/").rsplit("/", 1)[1]
    # The action itself refuses at the limit and accepts just before it (time passed in).
    with pytest.raises(actions.OnboardingError, match="expired"):
        actions.activate(token, **_profile_args(), now=registration.expires_at)
    actions.activate(
        token, **_profile_args(), now=registration.expires_at - dt.timedelta(seconds=1)
    )


def _profile_args():
    return {
        "password": NEW_PASSWORD,
        "gender": "male",
        "ministry": "interior",
        "languages": ["ru"],
        "preferred_language": "ru",
    }


def test_a_new_link_replaces_the_old_one(client, secretariat, on_commit):
    registered_at = timezone.now() - dt.timedelta(days=30)
    registration, old_link = registered(secretariat, on_commit, now=registered_at)
    client.force_login(secretariat)
    with on_commit():
        response = client.post(url("accounts:registration-resend", registration.pk))
    assert response.status_code == 302 and len(mail.outbox) == 2
    new_link = LINK.search(mail.outbox[-1].body).group(0)
    assert new_link != old_link
    client.logout()
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200
    registration.refresh_from_db()
    assert registration.expires_at > timezone.now() + dt.timedelta(days=9)


def test_unknown_link_is_a_404_page_not_an_error(client, secretariat):
    response = client.get(url("accounts:activate", "not-a-real-token"))
    assert response.status_code == 404
    assert "secretariat" in response.content.decode()


def test_activation_checks_passwords_and_profile(client, secretariat, on_commit):
    registration, link = registered(secretariat, on_commit)
    response = client.post(link, profile(password2="something-else-entirely", languages=[]))
    assert response.status_code == 200
    assert "differ" in response.content.decode()
    assert client.post(link, profile(password1="123", password2="123")).status_code == 200
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert not registration.person.has_usable_password()


# --- What the secretariat enters


def test_disguised_executable_is_refused_and_nothing_is_kept(client, secretariat, on_commit):
    before = set(media_files())
    client.force_login(secretariat)
    with on_commit():
        response = client.post(
            url("accounts:registration-new"),
            {
                "first_name": "Ana",
                "last_name": "Weber",
                "email": "ana@example.org",
                "party": "DEU",
                "kind": "expert",
                "scope": "own",
                "language": "en",
                "received_on": "2024-04-30",
                "note_verbale": note("note.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
            },
        )
    assert response.status_code == 200
    assert "content is not PDF" in response.content.decode()
    assert not User.objects.filter(email="ana@example.org").exists()
    assert not Registration.objects.exists() and mail.outbox == []
    assert set(media_files()) == before
    # The action refuses it too, whatever door it is called from.
    with pytest.raises(actions.OnboardingError, match="PDF"):
        actions.register(
            email="ana@example.org",
            first_name="A",
            last_name="W",
            party=Party.objects.get(code="DEU"),
            kind="expert",
            scope="own",
            language="en",
            note_verbale=note("note.pdf", b"MZ\x90\x00"),
            received_on=dt.date(2024, 5, 1),
            by=secretariat,
            now=timezone.now(),
            site_url="http://testserver/",
        )
    assert not User.objects.filter(email="ana@example.org").exists()


def test_duplicate_email_is_a_form_error_and_nothing_is_created(client, secretariat, on_commit):
    registered(secretariat, on_commit, email="ana@example.org")
    files = set(media_files())
    client.force_login(secretariat)
    response = client.post(
        url("accounts:registration-new"),
        {
            "first_name": "Ana",
            "last_name": "W",
            "email": "ANA@example.org",
            "party": "FRA",
            "kind": "expert",
            "scope": "own",
            "language": "en",
            "received_on": "2024-04-30",
            "note_verbale": note(),
        },
    )
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 1 and set(media_files()) == files
    with pytest.raises(actions.OnboardingError, match="already registered"):
        register(secretariat, "Ana@Example.org")
    assert Registration.objects.count() == 1 and set(media_files()) == files


def test_an_observer_is_for_the_own_review_only(secretariat):
    with pytest.raises(actions.OnboardingError):
        register(secretariat, kind=Nomination.Kind.OBSERVER, scope=Nomination.Scope.REVIEWER)
    assert not Registration.objects.exists()


def test_the_note_verbale_is_downloaded_as_an_attachment(client, secretariat, on_commit):
    registration, _link = registered(secretariat, on_commit)
    client.force_login(secretariat)
    response = client.get(url("accounts:note-verbale", registration.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"note-verbale-DEU-{registration.pk}.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_rejecting_needs_a_reason_and_ends_the_link(client, secretariat, on_commit):
    registration, link = registered(secretariat, on_commit)
    client.force_login(secretariat)
    client.post(url("accounts:registration-reject", registration.pk), {"reason": " "})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    client.post(url("accounts:registration-reject", registration.pk), {"reason": "Wrong party."})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REJECTED
    assert registration.rejection_reason == "Wrong party."
    client.logout()
    assert client.get(link).status_code == 404
    with pytest.raises(actions.OnboardingError):
        actions.approve(registration, by=secretariat, now=timezone.now())


def test_only_the_secretariat_registers(secretariat):
    with pytest.raises(actions.OnboardingError):
        register(make_user("someone"))


# --- The secretariat's lists


def test_registrations_list_filters_by_state(client, secretariat, on_commit):
    fresh, _ = registered(secretariat, on_commit, email="fresh@example.org")
    old = timezone.now() - dt.timedelta(days=20)
    stale, _ = registered(secretariat, on_commit, email="stale@example.org", now=old)
    client.force_login(secretariat)
    page = client.get(url("accounts:registration-list"), {"state": "expired"}).content.decode()
    assert "stale@example.org" in page and "fresh@example.org" not in page
    page = client.get(url("accounts:registration-list"), {"state": "pending"}).content.decode()
    assert "fresh@example.org" in page and "stale@example.org" not in page
    page = client.get(url("accounts:registration-list"), {"party": "FRA"}).content.decode()
    assert "fresh@example.org" not in page


def test_registrations_list_query_count_stays_flat(client, secretariat, on_commit):
    client.force_login(secretariat)
    list_url = url("accounts:registration-list")
    registered(secretariat, on_commit, email="p0@example.org")
    few = count_queries(lambda: client.get(list_url))
    for i, code in enumerate(["FRA", "KEN", "BRA", "JPN", "MEX"], start=1):
        registered(secretariat, on_commit, email=f"p{i}@example.org", party=code)
    many = count_queries(lambda: client.get(list_url))
    assert many == few
    assert client.get(list_url).content.decode().count("@example.org</span>") == 6


def test_registrations_are_listed_fifty_at_a_time_latest_first_or_sorted(
    client, secretariat, on_commit
):
    start = timezone.now() - dt.timedelta(days=2)
    for n in range(51):
        when = start + dt.timedelta(minutes=n)
        registered(secretariat, on_commit, email=f"p{n:03d}@example.org", now=when)
    registered(secretariat, on_commit, email="fra@example.org", party="FRA")
    client.force_login(secretariat)
    list_url = url("accounts:registration-list")
    emails = re.compile(r'<span class="muted">(p\d+)@example.org</span>')
    latest = client.get(list_url, {"party": "DEU"}).content.decode()
    assert "1–50 of 51" in latest and "fra@example.org" not in latest
    assert emails.findall(latest)[:2] == ["p050", "p049"]
    assert 'href="?party=DEU&amp;page=2" rel="next"' in latest
    oldest = client.get(list_url, {"party": "DEU", "ordering": "registered"}).content.decode()
    assert emails.findall(oldest)[:2] == ["p000", "p001"]
    assert 'aria-sort="ascending"' in oldest
    assert 'href="?party=DEU&amp;ordering=registered&amp;page=2" rel="next"' in oldest
    last = client.get(list_url, {"party": "DEU", "ordering": "registered", "page": 2})
    assert emails.findall(last.content.decode()) == ["p050"]
    bad = client.get(list_url, {"ordering": "age"})
    assert bad.status_code == 400 and "Unknown order" in bad.content.decode()


def nominated_people(secretariat, codes):
    for code in codes:
        for kind in (Nomination.Kind.FOCAL_POINT, Nomination.Kind.EXPERT):
            nominate(make_user(f"{kind}-{code}".lower()), code, kind, "own", secretariat)


def test_nominations_list_query_count_stays_flat(client, secretariat):
    client.force_login(secretariat)
    list_url = url("accounts:nomination-list")
    export = url("accounts:nomination-export", "csv")
    nominated_people(secretariat, ["DEU"])
    few = count_queries(lambda: client.get(list_url, {"history": "on"}))
    few_export = count_queries(lambda: client.get(export))
    nominated_people(secretariat, ["FRA", "KEN", "BRA", "JPN"])
    expert = Nomination.objects.filter(kind="expert").first()
    client.post(url("accounts:nomination-end", expert.pk), {"ends_on": "2024-05-02"})
    many = count_queries(lambda: client.get(list_url, {"history": "on"}))
    assert many == few
    assert count_queries(lambda: client.get(export)) == few_export
    assert client.get(list_url, {"history": "on"}).content.decode().count("<tr>") == 11


def experts(secretariat, count, code="KEN", prefix="x"):
    party = Party.objects.get(code=code)
    now = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)
    for n in range(count):
        actions.nominate(
            party=party,
            person=make_user(f"{prefix}{n:03d}"),
            kind="expert",
            scope="own",
            starts_on=now.date() + dt.timedelta(days=n),
            by=secretariat,
            now=now,
        )


ROW_NAME = re.compile(r'<th scope="row">([^<]+)<br>')


def test_nominations_are_listed_fifty_at_a_time_keeping_the_filters_and_order(client, secretariat):
    experts(secretariat, 55)
    nominated_people(secretariat, ["FRA"])
    client.force_login(secretariat)
    list_url = url("accounts:nomination-list")
    first = client.get(list_url, {"kind": "expert"}).content.decode()
    assert first.count("<tr>") == 51  # the header and fifty rows
    assert "1–50 of 56" in first and "expert-fra" in first
    assert 'href="?kind=expert&amp;page=2" rel="next"' in first
    second = client.get(list_url, {"kind": "expert", "page": 2}).content.decode()
    assert second.count("<tr>") == 7 and "51–56 of 56" in second
    # Sorted on a column, then reversed; the pager keeps the filter and the order.
    by_start = client.get(list_url, {"kind": "expert", "party": "KEN", "ordering": "from"})
    names = ROW_NAME.findall(by_start.content.decode())
    assert names[:2] == ["x000", "x001"]
    assert 'aria-sort="ascending"' in by_start.content.decode()
    assert 'href="?kind=expert&amp;party=KEN&amp;ordering=from&amp;page=2"' in (
        by_start.content.decode()
    )
    latest = client.get(list_url, {"kind": "expert", "party": "KEN", "ordering": "-from"})
    assert ROW_NAME.findall(latest.content.decode())[:2] == ["x054", "x053"]
    assert 'aria-sort="descending"' in latest.content.decode()
    # The downloads hold them all, in the list's order.
    csv = client.get(url("accounts:nomination-export", "csv"), {"kind": "expert"})
    assert body(csv).decode().count("\n") == 57
    # An unknown order says why, on the page and the download.
    bad = client.get(list_url, {"ordering": "salary"})
    assert bad.status_code == 400 and "Unknown order" in bad.content.decode()
    bad = client.get(url("accounts:nomination-export", "xlsx"), {"ordering": "salary"})
    assert bad.status_code == 400


def test_the_nominations_xlsx_holds_every_filtered_row(client, secretariat):
    import io

    from openpyxl import load_workbook

    experts(secretariat, 60)
    nominated_people(secretariat, ["FRA", "KEN"])
    client.force_login(secretariat)
    params = {"kind": "expert", "party": "KEN", "ordering": "-from"}
    response = client.get(url("accounts:nomination-export", "xlsx"), params)
    rows = list(load_workbook(io.BytesIO(body(response))).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 61 and rows[0][0] == "Party"
    assert {row[1] for row in rows[1:]} == {"KEN"} and {row[2] for row in rows[1:]} == {
        "Governmental expert"
    }
    assert rows[1][4] == "x059"  # the list's order


def test_nominations_list_filters_and_shows_history(client, secretariat):
    nominated_people(secretariat, ["DEU", "FRA"])
    client.force_login(secretariat)
    expert = Nomination.objects.get(person__username="expert-deu")
    response = client.post(url("accounts:nomination-end", expert.pk), {"ends_on": "2024-05-02"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.ends_on == dt.date(2024, 5, 2)
    current = client.get(url("accounts:nomination-list"), {"party": "DEU"}).content.decode()
    assert "focal_point-deu" in current and "expert-deu" not in current
    assert "focal_point-fra" not in current
    history = client.get(
        url("accounts:nomination-list"), {"party": "DEU", "history": "on"}
    ).content.decode()
    assert "expert-deu" in history
    experts = client.get(url("accounts:nomination-list"), {"kind": "expert"}).content.decode()
    assert "expert-fra" in experts and "focal_point-fra" not in experts
    # Ending twice is refused with a message, not an error.
    again = client.post(
        url("accounts:nomination-end", expert.pk), {"ends_on": "2024-05-03"}, follow=True
    )
    assert "already ended" in again.content.decode()


def test_nominations_export_csv_and_xlsx(client, secretariat):
    nominated_people(secretariat, ["DEU", "FRA"])
    client.force_login(secretariat)
    csv = client.get(url("accounts:nomination-export", "csv"), {"party": "FRA"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = body(csv).decode().splitlines()
    assert len(lines) == 3 and lines[0].startswith("Party,Code,Role")
    assert all(",FRA," in line for line in lines[1:])
    xlsx = client.get(url("accounts:nomination-export", "xlsx"))
    assert xlsx.status_code == 200 and body(xlsx).startswith(b"PK")
    assert client.get(url("accounts:nomination-export", "pdf")).status_code == 404


def test_a_name_that_looks_like_a_formula_is_exported_as_text(client, secretariat):
    person = User.objects.create_user("someone", "someone@example.org", first_name=FORMULA)
    nominate(person, "FRA", Nomination.Kind.EXPERT, "own", secretariat)
    client.force_login(secretariat)
    for fmt in ("csv", "xlsx"):
        assert_inert(client.get(url("accounts:nomination-export", fmt)), FORMULA)


def test_nominate_form_names_and_replaces_a_focal_point(client, secretariat):
    first, second = make_user("first"), make_user("second")
    client.force_login(secretariat)
    form = {
        "party": "KEN",
        "person": first.pk,
        "kind": "focal_point",
        "scope": "reviewer",
        "starts_on": "2024-05-01",
    }
    assert client.post(url("accounts:nomination-new"), form).status_code == 302
    replace = {**form, "person": second.pk, "starts_on": "2024-06-01"}
    refused = client.post(url("accounts:nomination-new"), replace)
    assert refused.status_code == 200 and "handover note" in refused.content.decode()
    done = client.post(url("accounts:nomination-new"), {**replace, "handover_note": "Keys given."})
    assert done.status_code == 302
    active = Nomination.objects.active().get(party__code="KEN", kind="focal_point")
    assert active.person == second and active.handover_note == "Keys given."
    assert Nomination.objects.get(person=first).ends_on == dt.date(2024, 6, 1)
    # Pre-filled from the list's "Replace" link.
    page = client.get(url("accounts:nomination-new"), {"party": "KEN", "kind": "focal_point"})
    assert page.status_code == 200


# --- Who may see these pages


def test_nobody_but_the_secretariat_sees_its_pages(client, secretariat, on_commit):
    registration, _link = registered(secretariat, on_commit)
    nominated_people(secretariat, ["FRA"])
    nomination = Nomination.objects.first()
    pages = [
        ("GET", url("accounts:registration-list")),
        ("GET", url("accounts:registration-new")),
        ("POST", url("accounts:registration-new")),
        ("GET", url("accounts:registration-detail", registration.pk)),
        ("GET", url("accounts:note-verbale", registration.pk)),
        ("POST", url("accounts:registration-approve", registration.pk)),
        ("POST", url("accounts:registration-reject", registration.pk)),
        ("POST", url("accounts:registration-resend", registration.pk)),
        ("GET", url("accounts:nomination-list")),
        ("GET", url("accounts:nomination-export", "csv")),
        ("GET", url("accounts:nomination-new")),
        ("POST", url("accounts:nomination-new")),
        ("POST", url("accounts:nomination-end", nomination.pk)),
    ]
    focal_point = User.objects.get(username="focal_point-fra")
    for user in (make_user("outsider"), focal_point):
        client.force_login(user)
        for method, path in pages:
            response = client.get(path) if method == "GET" else client.post(path)
            assert response.status_code == 404, (user, method, path)
    client.logout()
    for method, path in pages:
        response = client.get(path) if method == "GET" else client.post(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert Nomination.objects.get(pk=nomination.pk).ends_on is None


def test_secretariat_navigation_links_to_the_new_pages(client, secretariat):
    client.force_login(secretariat)
    page = client.get("/en/").content.decode()
    assert url("accounts:registration-list") in page and url("accounts:nomination-list") in page
    client.force_login(make_user("someone"))
    assert url("accounts:registration-list") not in client.get("/en/").content.decode()


@pytest.mark.parametrize("language, name", [("en", "Côte d'Ivoire"), ("ar", "كوت ديفوار")])
def test_the_email_is_plain_text_in_the_persons_language(secretariat, on_commit, language, name):
    registered(secretariat, on_commit, party="CIV", language=language)
    (message,) = mail.outbox
    assert name in message.subject and name in message.body
    assert "&#x27;" not in message.subject + message.body
    assert f"http://testserver/{language}/people/activate/" in message.body


def test_the_downloads_of_a_filtered_nominations_list_hold_its_rows(client, secretariat):
    """Issue 17, item 5: the download links carry the list's filters (not its page) and hold
    the rows the page shows, in its order."""
    import csv
    import html
    import io

    nominated_people(secretariat, ["DEU", "FRA", "KEN"])
    client.force_login(secretariat)
    params = {"kind": "expert", "history": "on", "page": "1"}
    page = client.get(url("accounts:nomination-list"), params).content.decode()
    (link,) = re.findall(r'href="([^"]*/nominations\.csv[^"]*)"', page)
    assert html.unescape(link).endswith("?kind=expert&history=on")
    shown = re.findall(r'<th scope="row">([^<]+)<br>', page)
    response = client.get(html.unescape(link))
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    assert [row[4] for row in rows[1:]] == shown and len(shown) == 3
    bad = client.get(url("accounts:nomination-export", "csv"), {"kind": "nobody"})
    assert bad.status_code == 400 and "Role" in bad.content.decode()


def test_the_api_lists_nominations_with_the_pages_filters_and_order(client, secretariat):
    experts(secretariat, 5)
    nominated_people(secretariat, ["FRA"])
    Nomination.objects.filter(person__username="expert-fra").update(ends_on=dt.date(2024, 6, 1))
    client.force_login(secretariat)
    api = "/api/v1/nominations/"
    listed = client.get(api).json()
    assert listed["count"] == 7  # history included, as the API always listed them
    assert [n["party"] for n in listed["results"]][:2] == ["FRA", "FRA"]
    assert client.get(api, {"history": "false"}).json()["count"] == 6
    kenya = client.get(api, {"party": "KEN", "ordering": "-from"}).json()
    assert [n["person"] for n in kenya["results"]] == ["x004", "x003", "x002", "x001", "x000"]
    ascending = client.get(api, {"party": "KEN", "ordering": "from"}).json()
    assert [n["person"] for n in ascending["results"]][0] == "x000"
    bad = client.get(api, {"ordering": "salary"})
    assert bad.status_code == 400 and "ordering" in bad.json()
    counted = lambda: client.get(api, {"ordering": "person"})  # noqa: E731
    few = count_queries(counted)
    experts(secretariat, 20, code="BRA", prefix="b")
    assert count_queries(counted) == few
