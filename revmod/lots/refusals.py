"""The draw's refusals in the reader's language. The pure draw (`lots.draw`) says why rules
cannot be met as a reason code and its params (`draw.types.REASONS`), with an English message
for logs and the command line only; every page, the API and the e-mails put it into words here,
parties and regional groups by their names in the active language."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revmod.lib.i18n import join_list
from revmod.lots import draw as pairing_draw
from revmod.registry.models import Party, RegionalGroup

MESSAGES = {
    "same_group_none": gettext_lazy(
        "No other party of %(group)s can review %(party)s, which needs a reviewer from its own "
        "regional group."
    ),
    "same_group_few": gettext_lazy(
        "Too few parties of %(group)s can review %(party)s (needed: %(needed)s, eligible: "
        "%(eligible)s; exclusions, existing pairings and shared instruments considered)."
    ),
    "other_group_few": gettext_lazy(
        "Too few parties outside %(group)s can review %(party)s (needed: %(needed)s, "
        "eligible: %(eligible)s)."
    ),
    "no_group_strict": gettext_lazy(
        "%(party)s belongs to no regional group, so no reviewer can come from its own group "
        "under the strict rule for parties without a group."
    ),
    "reviewers_few": gettext_lazy(
        "Too few parties can review %(party)s (needed: %(needed)s, eligible: %(eligible)s)."
    ),
    "instrument_few": gettext_lazy(
        "Too few parties to %(instrument)s can review %(party)s for it (needed: %(needed)s, "
        "eligible: %(eligible)s)."
    ),
    "cap_total": gettext_lazy(
        "The workload cap leaves too few places for the reviewing parties (reviews: "
        "%(reviews)s, places needed: %(needed)s, available: %(available)s; parties: "
        "%(parties)s, reviews per party at most: %(cap)s)."
    ),
    "cap_instrument": gettext_lazy(
        "Under the workload cap, the parties to %(instrument)s cannot take every review of "
        "%(instrument)s (places needed: %(needed)s, available: %(available)s)."
    ),
    "cap_group": gettext_lazy(
        "Under the workload cap, the parties of %(group)s cannot take every place for a "
        "reviewer of the same group (places needed: %(needed)s, available: %(available)s)."
    ),
    "mutual_total": gettext_lazy(
        "Without mutual reviews there cannot be enough pairings (reviews: %(reviews)s, "
        "pairings needed: %(needed)s, possible: %(most)s)."
    ),
    "search_gave_up": gettext_lazy(
        "The search found no pairing that meets every rule within its limits; the closest "
        "attempt still broke: %(broken)s. The draw may still be possible: relax a rule or "
        "raise the limits."
    ),
    "relax_spread": gettext_lazy(
        "No pairing meets every rule (exhaustive search); one would exist without the even "
        "spread of the workload."
    ),
    "relax_mutual": gettext_lazy(
        "No pairing meets every rule (exhaustive search); one would exist without the ban on "
        "mutual reviews."
    ),
    "relax_cap": gettext_lazy(
        "No pairing meets every rule (exhaustive search); one would exist without the "
        "workload cap (at most %(cap)s per reviewing party)."
    ),
    "no_additional_choice": gettext_lazy(
        "%(party)s: no choice of main reviewing parties leaves instruments that distinct "
        "additional reviewing parties can cover."
    ),
    "combined": gettext_lazy(
        "No pairing meets every rule (exhaustive search), and relaxing any one of the "
        "workload cap, the ban on mutual reviews and the even spread of the workload does "
        "not help."
    ),
    "slot_same_group": gettext_lazy("no other party of %(group)s qualifies."),
    "slot_other_group": gettext_lazy("no other party outside %(group)s qualifies."),
    "slot_instrument": gettext_lazy("no other party is party to %(instruments)s."),
    "slot_excluded": gettext_lazy("the other parties are excluded."),
    "slot_mutual": gettext_lazy("the other parties are reviewed by %(reviewed)s."),
    "slot_cap": gettext_lazy(
        "the other parties have reached the workload cap (at most %(cap)s per reviewing party)."
    ),
    "slot_spread": gettext_lazy(
        "every candidate would make the workloads differ by more than %(spread)s."
    ),
}
SLOTS = {
    "redraw": gettext_lazy("No replacement for %(reviewer)s as reviewer of %(reviewed)s: %(why)s"),
    "cover": gettext_lazy("No additional reviewer of %(reviewed)s for %(instruments)s: %(why)s"),
}
BROKEN = {
    "over_cap": gettext_lazy("the workload cap (parties over it: %(count)s)"),
    "mutual_pairs": gettext_lazy("the ban on mutual reviews (mutual pairs: %(count)s)"),
    "loads": gettext_lazy("the even spread of the workload (loads from %(low)s to %(high)s)"),
}
PARTY_KEYS = ("party", "reviewed", "reviewer")


def explain(error: pairing_draw.Infeasible) -> str:
    """Why the rules cannot be met, in the active language: one sentence built from the
    refusal's reason and params, with the parties and regional groups by name."""
    params = dict(error.params)
    slot = params.pop("slot", None)
    codes = {params.get(k) for k in PARTY_KEYS} | {(slot or {}).get(k) for k in PARTY_KEYS}
    names = {p.code: p.label for p in Party.objects.filter(code__in=codes - {None})}
    group = params.get("group")
    if group:
        found = RegionalGroup.objects.filter(code=group).first()
        params["group"] = found.label if found else group
    for key in PARTY_KEYS:
        if key in params:
            params[key] = names.get(params[key], params[key])
    if "instruments" in params:
        params["instruments"] = join_list(params["instruments"])
    if error.reason == "search_gave_up":
        parts = []
        if params.get("over_cap"):
            parts.append(BROKEN["over_cap"] % {"count": params["over_cap"]})
        if params.get("mutual_pairs"):
            parts.append(BROKEN["mutual_pairs"] % {"count": params["mutual_pairs"]})
        if params.get("loads"):
            low, high = params["loads"]
            parts.append(BROKEN["loads"] % {"low": low, "high": high})
        params["broken"] = join_list(parts) if parts else _("no complete assignment")
    why = str(MESSAGES[error.reason]) % params
    if slot is None:
        return why
    return str(SLOTS[slot["kind"]]) % {
        "reviewed": names.get(slot["reviewed"], slot["reviewed"]),
        "reviewer": names.get(slot.get("reviewer"), slot.get("reviewer")),
        "instruments": join_list(slot.get("instruments", [])),
        "why": why,
    }
