"""The addresses the secretariat set are the accounts' verified addresses (issue 15, item 4).

Sign-in and password resets now count only verified addresses (revmod.accounts.addresses), so
an account's address that allauth never recorded, or recorded unverified when its e-mail page
was first opened, is recorded as verified and primary. An address the person made primary
without verifying it (possible before) is left unverified: it names nobody until verified."""

from django.db import migrations


def record_verified(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    verified = {
        email.lower()
        for email in EmailAddress.objects.filter(verified=True).values_list("email", flat=True)
    }
    with_primary = set(EmailAddress.objects.filter(primary=True).values_list("user_id", flat=True))
    unverified = {
        (row.user_id, row.email.lower()): row
        for row in EmailAddress.objects.filter(verified=False, primary=False)
    }
    for user in User.objects.exclude(email="").exclude(pk__in=with_primary).iterator():
        email = user.email.lower()
        if email in verified:
            continue  # another account verified it: this one keeps it unrecorded
        row = unverified.get((user.pk, email))
        if row is None:
            EmailAddress.objects.create(user_id=user.pk, email=email, verified=True, primary=True)
        else:
            row.verified = row.primary = True
            row.save(update_fields=["verified", "primary"])
        verified.add(email)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_registration"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(record_verified, migrations.RunPython.noop)]
