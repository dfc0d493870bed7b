"""Who may see and change the follow-ups and the briefings: the one home of these rules. Every
page, API endpoint, export, task list and figure of the app asks here.

Follow-ups
----------
The secretariat's internal working record of its contacts with the parties (seed ¶43): what a
permanent mission said on a call, what an officer means to do next. Only the secretariat sees
and records them; anyone else gets 404 (pages) or 403/404 (API), and they appear in no list,
export or count shown to anyone else. A party's focal points do not see them: a note of a
contact may say what the secretariat thinks of the party's progress, and the parties already
see what concerns them in their reviews (stage, deadlines, timeline).

Briefings
---------
The secretariat sees, records and edits every briefing. Anyone else, signed in or not, sees
the published ones only, and of those only what the paper reports (¶45): the title, the date,
the number of representatives and the number of States represented (`PUBLIC_FIELDS`); not the
list of States, the place, the languages or the record's history. An unpublished briefing
answers 404 to them.
"""

from revmod.followups.models import Briefing, FollowUp
from revmod.lib.access import is_secretariat

# What of a published briefing everyone sees (the API's and the export's fields).
PUBLIC_FIELDS = ("id", "held_on", "title", "representatives", "states")


def may_manage(user) -> bool:
    """Whether `user` sees every follow-up and briefing and records and edits them."""
    return is_secretariat(user)


def followups_visible_to(user):
    """The follow-ups `user` may see: all of them for the secretariat, none for anyone else."""
    if may_manage(user):
        return FollowUp.objects.all()
    return FollowUp.objects.none()


def briefings_visible_to(user):
    """The briefings `user` may see, with `states` (their count of States): all for the
    secretariat, the published ones for anyone else."""
    briefings = Briefing.objects.with_states()
    if may_manage(user):
        return briefings
    return briefings.filter(published=True)


def sees_briefing_details(user) -> bool:
    """Whether `user` sees a briefing's full record (else only `PUBLIC_FIELDS`)."""
    return may_manage(user)
