"""The timeline's events about confidential material say so (reviews.access): uploads of
answers or written feedback, files taken off answers, answers saved on a party's behalf.
Events written before this release get the mark they would have had."""

from django.db import migrations

MATERIAL_OF_KIND = {
    "questionnaire_answers": "answers",
    "written_feedback": "feedback",
    "list_of_observations": "observations",
    "summary": "observations",
    "supporting": "shared",
    "note_verbale": "shared",
}
ANSWERS_EVENTS = ("attachment_removed", "answers_on_behalf")


def mark(apps, schema_editor):
    ReviewEvent = apps.get_model("reviews", "ReviewEvent")
    events = ReviewEvent.objects.filter(kind__in=("document_uploaded", *ANSWERS_EVENTS))
    for event in events.iterator():
        if "material" in event.data:
            continue
        if event.kind == "document_uploaded":
            material = MATERIAL_OF_KIND.get(event.data.get("kind"), "shared")
        else:
            material = "answers"
        ReviewEvent.objects.filter(pk=event.pk).update(data={**event.data, "material": material})


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0004_publication_sections"),
        ("documents", "0001_initial"),
        ("reviews", "0002_deadline_periods"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
