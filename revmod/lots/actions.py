"""The operations of the drawing of lots, each one transaction. Time (`now`) comes in as an
argument; every check happens before anything is written, so a refused action changes nothing."""

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from revmod.lib.hooks import Hook
from revmod.lots import draw as pairing_draw
from revmod.lots import refusals
from revmod.lots.compute import compute, stable_hash
from revmod.lots.models import (
    Draw,
    GroupAssignment,
    Meeting,
    Pairing,
    RedrawRequest,
    ReviewGroup,
    Rules,
)
from revmod.lots.rng import commitment, derive_seed
from revmod.registry import versions
from revmod.registry.models import Adherence, Instrument, Party


class DrawError(Exception):
    """An action that cannot be taken, with a message for the person who tried."""


def registry_on(day: dt.date) -> list[dict]:
    """The parties to the Convention on `day`, each with the instruments it had joined by then,
    as the pairing draw sees them. Sorted by code."""
    adherences = (
        Adherence.objects.current()
        .filter(date__lte=day)
        .select_related("party__regional_group", "instrument")
        .order_by("party__code", "instrument__order")
    )
    parties: dict[str, dict] = {}
    for adherence in adherences:
        party = adherence.party
        entry = parties.setdefault(
            party.code,
            {
                "code": party.code,
                "regional_group": party.regional_group.code if party.regional_group else None,
                "instruments": [],
                "convention": False,
            },
        )
        entry["instruments"].append(adherence.instrument.code)
        if adherence.instrument.kind == Instrument.Kind.CONVENTION:
            entry["convention"] = True
    return [
        {k: v for k, v in entry.items() if k != "convention"}
        for entry in parties.values()
        if entry["convention"]
    ]


def pairing_json(pairing: Pairing) -> dict:
    return pairing_draw.Pairing(
        pairing.reviewed.code, pairing.reviewer.code, tuple(pairing.instruments), pairing.role
    ).to_dict()


def active_pairings_json() -> list[dict]:
    return [
        pairing_json(p)
        for p in Pairing.objects.active()
        .select_related("reviewed", "reviewer")
        .order_by("reviewed__code", "reviewer__code")
    ]


@dataclass(frozen=True)
class Gap:
    """A party under review that lacks reviewers for instruments it joined after its
    reviewers were drawn: `lacking` {instrument code: how many reviewers it lacks}."""

    party: Party
    lacking: dict[str, int]


def uncovered(day: dt.date) -> list[Gap]:
    """The parties with reviewers in force that lack some for an instrument they are party to
    on `day` (each instrument needs the rules' number of reviewers party to it): the Protocol
    joiners a draw of kind "protocol" gives reviewers to. By party code."""
    k = Rules.current().reviewers_per_review
    instruments = {p["code"]: p["instruments"] for p in registry_on(day)}
    covered: dict[str, dict[str, int]] = {}
    for pairing in active_pairings_json():
        counts = covered.setdefault(pairing["reviewed"], {})
        for code in pairing["instruments"]:
            counts[code] = counts.get(code, 0) + 1
    lacking = {}
    for party, counts in covered.items():
        short = {
            i: k - counts.get(i, 0) for i in instruments.get(party, ()) if counts.get(i, 0) < k
        }
        if short:
            lacking[party] = short
    parties = Party.objects.in_bulk(list(lacking), field_name="code")
    return [Gap(parties[code], lacking[code]) for code in sorted(lacking)]


@transaction.atomic
def create_meeting(*, held_on: dt.date, title: str, place: str = "", notes: str = "") -> Meeting:
    return Meeting.objects.create(held_on=held_on, title=title, place=place, notes=notes)


@dataclass(frozen=True)
class _Setting:
    """What preparing a draw reads once: the meeting's day, the registry on that day, its
    codes, the review groups' numbers and the rules in force."""

    day: dt.date
    registry: list[dict]
    codes: set[str]
    groups: list[int]
    rules: Rules


def _initial_inputs(s: _Setting, reviewed, sizes, volunteers, requests) -> dict:
    if Draw.objects.filter(kind=Draw.Kind.INITIAL).exists():
        raise DrawError(_("The initial draw has already been prepared."))
    reviewed = sorted(reviewed or s.codes)
    unknown = sorted(set(reviewed) - s.codes)
    if unknown:
        raise DrawError(
            _("Not parties to the Convention on the day of the meeting: %(codes)s")
            % {"codes": ", ".join(unknown)}
        )
    if sizes is not None and (len(sizes) != len(s.groups) or sum(sizes) != len(reviewed)):
        raise DrawError(
            _("Give one size per group, adding up to the %(n)s parties under review.")
            % {"n": len(reviewed)}
        )
    volunteers = volunteers or {}
    if any(group not in s.groups for group in volunteers.values()):
        raise DrawError(_("A volunteer asked for a group that does not exist."))
    return {
        "reviewed": reviewed,
        "groups": len(s.groups),
        "sizes": sizes,
        "volunteers": volunteers,
        "exclusions": [],
    }


def _late_inputs(s: _Setting, reviewed, sizes, volunteers, requests) -> dict:
    placed = set(GroupAssignment.objects.values_list("party__code", flat=True))
    reviewed = sorted(reviewed or (s.codes - placed))
    if not reviewed:
        raise DrawError(_("Every party to the Convention is already in a group."))
    if set(reviewed) & placed or set(reviewed) - s.codes:
        raise DrawError(_("Only parties to the Convention not yet in a group can join late."))
    if s.rules.late_joiner_group not in s.groups:
        raise DrawError(_("The late joiners' group in the rules does not exist."))
    return {
        "reviewed": reviewed,
        "group": s.rules.late_joiner_group,
        "existing": active_pairings_json(),
        "exclusions": [],
    }


def _protocol_inputs(s: _Setting, reviewed, sizes, volunteers, requests) -> dict:
    gaps = {gap.party.code for gap in uncovered(s.day)}
    if not gaps:
        raise DrawError(
            _("No party lacks reviewers for an instrument it joined by the meeting's day.")
        )
    reviewed = sorted(reviewed or gaps)
    if set(reviewed) - gaps:
        raise DrawError(
            _("These parties lack no reviewer on the day of the meeting: %(codes)s")
            % {"codes": ", ".join(sorted(set(reviewed) - gaps))}
        )
    return {
        "reviewed": reviewed,
        "existing": active_pairings_json(),
        "exclusions": former_reviewers(reviewed),
    }


def _redraw_inputs(s: _Setting, reviewed, sizes, volunteers, requests) -> dict:
    requests = list(requests or [])
    if not requests:
        raise DrawError(_("Choose the redraw requests to draw."))
    if any(r.status != RedrawRequest.Status.PENDING for r in requests):
        raise DrawError(_("Only pending requests can be drawn."))
    slots = [
        {"reviewed": r.pairing.reviewed.code, "reviewer": r.pairing.reviewer.code}
        for r in sorted(requests, key=lambda r: (r.received_on, r.pk))
    ]
    return {
        "existing": active_pairings_json(),
        "slots": slots,
        "requests": [r.pk for r in requests],
        "exclusions": former_reviewers([slot["reviewed"] for slot in slots]),
    }


@transaction.atomic
def prepare_draw(
    *,
    kind: str,
    meeting: Meeting,
    by,
    now: dt.datetime,
    reviewed: list[str] | None = None,
    sizes: list[int] | None = None,
    volunteers: dict[str, int] | None = None,
    requests: Iterable[RedrawRequest] | None = None,
) -> Draw:
    """Freeze a draw's inputs, rules and algorithm, and make its secret and commitment.

    initial: every party to the Convention on the meeting's day (or `reviewed`) is placed in a
    group and given reviewers; `sizes` fixes the groups' sizes. late: the parties not yet in a
    group go to the rules' late-joiner group. redraw: the pending `requests` are redrawn.
    protocol: the parties that lack reviewers for a Protocol joined later (`uncovered` on the
    meeting's day; `reviewed` chooses among them) get them."""
    registry = registry_on(meeting.held_on)
    groups = list(ReviewGroup.objects.values_list("number", flat=True))
    if not groups:
        raise DrawError(_("Set up the review groups and their start dates first."))
    setting = _Setting(
        meeting.held_on, registry, {p["code"] for p in registry}, groups, Rules.current()
    )
    inputs_of = {
        Draw.Kind.INITIAL: _initial_inputs,
        Draw.Kind.LATE: _late_inputs,
        Draw.Kind.REDRAW: _redraw_inputs,
        Draw.Kind.PROTOCOL: _protocol_inputs,
    }
    if kind not in inputs_of:
        raise DrawError(_("Unknown kind of draw."))
    inputs = {
        "parties": registry,
        **inputs_of[kind](setting, reviewed, sizes, volunteers, requests),
    }
    frozen_rules = setting.rules.as_json()
    if kind == Draw.Kind.LATE:
        # Existing loads are already as even as the first draw made them, most at the cap: the
        # late joiners' draw keeps the cap but cannot also keep the spread (the pairing draw
        # applies evenness to new work only, and there is too little of it to choose from).
        frozen_rules["max_load_spread"] = None
    # A trial run now, so that rules that cannot be met are found before a commitment is
    # published and a meeting held, not at the meeting.
    try:
        compute(kind, inputs, frozen_rules, b"feasibility trial")
    except pairing_draw.Infeasible as error:
        raise DrawError(
            _("The rules cannot all be met. %(message)s") % {"message": refusals.explain(error)}
        ) from None
    secret = secrets.token_bytes(32)
    frozen = {
        "kind": kind,
        "inputs": inputs,
        "rules": frozen_rules,
        "algorithm": pairing_draw.ALGORITHM,
    }
    return Draw.objects.create(
        kind=kind,
        meeting=meeting,
        prepared_by=by,
        prepared_at=now,
        algorithm=pairing_draw.ALGORITHM,
        inputs=inputs,
        rules=frozen_rules,
        inputs_hash=stable_hash(frozen),
        secret=secret.hex(),
        commitment=commitment(secret),
    )


def former_reviewers(reviewed: list[str]) -> list[list[str]]:
    """[reviewed, reviewer] of every pairing of `reviewed` a redraw replaced: a party once
    replaced as reviewer of a party is not drawn for it again."""
    former = Pairing.objects.exclude(until=None).exclude(superseded_by__reviewer=F("reviewer"))
    pairs = former.filter(reviewed__code__in=reviewed).values_list(
        "reviewed__code", "reviewer__code"
    )
    return [list(pair) for pair in sorted(set(pairs))]


def _step(draw: Draw, expected: str) -> Draw:
    """The draw, locked for this transaction, if it is at the expected step."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.status != expected:
        raise DrawError(
            _("This draw is at the step “%(step)s”; that action is not possible now.")
            % {"step": draw.get_status_display()}
        )
    return draw


@transaction.atomic
def announce(draw: Draw, *, now: dt.datetime) -> Draw:
    """Publish the commitment: from now on the draw and its commitment are public."""
    draw = _step(draw, Draw.Status.PREPARED)
    draw.status, draw.announced_at = Draw.Status.ANNOUNCED, now
    draw.save(update_fields=["status", "announced_at"])
    return draw


@transaction.atomic
def enter_entropy(draw: Draw, *, entropy: str, now: dt.datetime) -> Draw:
    """Record the public entropy given at the meeting (e.g. numbers called by witnesses). It
    cannot be changed afterwards: nobody could then try entropies until a result pleases."""
    draw = _step(draw, Draw.Status.ANNOUNCED)
    entropy = entropy.strip()
    if len(entropy) < 4:
        raise DrawError(_("Enter the public entropy given at the meeting (at least 4 characters)."))
    draw.status, draw.entropy, draw.entropy_entered_at = Draw.Status.ENTROPY, entropy, now
    draw.save(update_fields=["status", "entropy", "entropy_entered_at"])
    return draw


@transaction.atomic
def perform_draw(draw: Draw, *, now: dt.datetime) -> Draw:
    """Compute the result from the seed SHA-256(secret ‖ entropy); the secret is revealed."""
    draw = _step(draw, Draw.Status.ENTROPY)
    seed = derive_seed(bytes.fromhex(draw.secret), draw.entropy)
    try:
        result = compute(draw.kind, draw.inputs, draw.rules, seed)
    except pairing_draw.Infeasible as error:
        raise DrawError(
            _("The rules cannot all be met. %(message)s") % {"message": refusals.explain(error)}
        ) from None
    draw.status, draw.seed, draw.drawn_at = Draw.Status.DRAWN, seed.hex(), now
    draw.result, draw.result_hash = result, stable_hash(result)
    draw.save(update_fields=["status", "seed", "drawn_at", "result", "result_hash"])
    return draw


# The work of the layers above when a draw's result is published (design.md: a higher app
# registers a hook with a lower one at start-up, in its AppConfig.ready). Each is called as
# hook(draw, now=, by=, replaced=) inside publish's transaction, in the order registered: what
# it does is published with the draw or not at all. `replaced`: for a redraw, (party under
# review, reviewer replaced, reviewer drawn) as Party rows; empty otherwise. Registered:
# reviews (a full or late-joiner draw creates the reviews of the parties it placed), then
# notifications (a redraw is e-mailed to the focal points concerned).
PUBLISHED = Hook("hook(draw, *, now, by, replaced): a draw's result is published")
when_published = PUBLISHED.register


def _supersede(draw: Draw, reviewed: str, reviewer: str, item: dict, new_reviewer) -> Pairing:
    """End the pairing in force of `reviewer` reviewing `reviewed` on the meeting's day, and put
    the pairing `item` (by `new_reviewer`) in its place, linked to it as history."""
    since = draw.meeting.held_on
    old = Pairing.objects.select_for_update().get(
        reviewed__code=reviewed, reviewer__code=reviewer, until=None
    )
    old.until = since
    old.save(update_fields=["until"])
    new = Pairing.objects.create(
        group=old.group,
        reviewed=old.reviewed,
        reviewer=new_reviewer,
        instruments=item["instruments"],
        role=item["role"],
        draw=draw,
        since=since,
    )
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    return old


def _new_pairings(draw: Draw, parties: dict, items: list[dict], group_of) -> None:
    Pairing.objects.bulk_create(
        Pairing(
            group_id=group_of(item["reviewed"]),
            reviewed=parties[item["reviewed"]],
            reviewer=parties[item["reviewer"]],
            instruments=item["instruments"],
            role=item["role"],
            draw=draw,
            since=draw.meeting.held_on,
        )
        for item in items
    )


def _put_placed(draw: Draw, parties: dict) -> None:
    """A full or late-joiners' draw: the parties' groups and all their pairings."""
    result = draw.result
    groups = {g.number: g for g in ReviewGroup.objects.all()}
    GroupAssignment.objects.bulk_create(
        GroupAssignment(party=parties[code], group=groups[number], draw=draw)
        for code, number in result["groups"].items()
    )
    _new_pairings(draw, parties, result["pairings"], lambda code: groups[result["groups"][code]].pk)


def _put_protocol(draw: Draw, parties: dict) -> None:
    """A Protocol joiners' draw: main pairings that take the new instruments (superseded by
    the longer ones) and new additional pairings."""
    for item in draw.result["extended"]:
        _supersede(draw, item["reviewed"], item["reviewer"], item, parties[item["reviewer"]])
    placed = dict(GroupAssignment.objects.values_list("party__code", "group_id"))
    _new_pairings(draw, parties, draw.result["pairings"], placed.__getitem__)


def _put_redraw(draw: Draw, parties: dict) -> list[tuple[Party, Party, Party]]:
    """A redraw: each slot's pairing superseded by the one drawn; its requests are drawn.
    Returns (party under review, reviewer replaced, reviewer drawn) per slot."""
    replaced = []
    for replacement in draw.result["replacements"]:
        item = replacement["pairing"]
        old = _supersede(
            draw, replacement["reviewed"], replacement["replaced"], item, parties[item["reviewer"]]
        )
        replaced.append((old.reviewed, old.reviewer, parties[item["reviewer"]]))
    RedrawRequest.objects.filter(pk__in=draw.inputs["requests"]).update(
        status=RedrawRequest.Status.DRAWN, draw=draw
    )
    return replaced


@transaction.atomic
def publish(draw: Draw, *, now: dt.datetime, by=None) -> Draw:
    """Make the result the pairings in force, from the meeting's day. A redraw supersedes only
    the pairings it replaces; every other pairing stays as it is. Then the hooks of the layers
    above (PUBLISHED): the reviews of the parties placed, the e-mails of a redraw. `by`:
    who published it (recorded by the hooks)."""
    draw = _step(draw, Draw.Status.DRAWN)
    if "existing" in draw.inputs and draw.inputs["existing"] != active_pairings_json():
        # Drawn around pairings that another draw has changed since: its result may break the
        # rules (two pairings of one slot, a cap exceeded), so it is not put in force.
        raise DrawError(
            _(
                "The pairings in force have changed since this draw was prepared (another draw "
                "was published). Prepare a new draw."
            )
        )
    parties = {p.code: p for p in Party.objects.all()}
    replaced: list[tuple[Party, Party, Party]] = []
    if draw.kind in (Draw.Kind.INITIAL, Draw.Kind.LATE):
        _put_placed(draw, parties)
    elif draw.kind == Draw.Kind.PROTOCOL:
        _put_protocol(draw, parties)
    else:
        replaced = _put_redraw(draw, parties)
    draw.status, draw.published_at = Draw.Status.PUBLISHED, now
    draw.save(update_fields=["status", "published_at"])
    versions.bump()  # pairings added or ended
    PUBLISHED(draw, now=now, by=by, replaced=replaced)
    return draw


@transaction.atomic
def record_redraw_request(
    *, pairing: Pairing, requested_by: Party, reason: str, received_on: dt.date, by
) -> RedrawRequest:
    """Record a party's request to redraw one of its pairings: the party under review asking to
    replace a reviewer, or a reviewing party asking to be replaced (rule 28 (d), (f))."""
    if pairing.until is not None:
        raise DrawError(_("This pairing has already been replaced."))
    if requested_by.pk == pairing.reviewed_id:
        kind = RedrawRequest.Kind.REPLACE_REVIEWER
    elif requested_by.pk == pairing.reviewer_id:
        kind = RedrawRequest.Kind.WITHDRAW
    else:
        raise DrawError(_("Only the two parties of a pairing can ask to redraw it."))
    if not reason.strip():
        raise DrawError(_("Give the reason the party gave for its request."))
    if pairing.redraw_requests.filter(status=RedrawRequest.Status.PENDING).exists():
        raise DrawError(_("A request to redraw this pairing is already pending."))
    limit = Rules.current().max_redraw_requests
    made = requested_by.redraw_requests.exclude(status=RedrawRequest.Status.WITHDRAWN).count()
    if made >= limit:
        raise DrawError(
            _("%(party)s has already made %(n)s redraw requests, the most the rules allow.")
            % {"party": requested_by.label, "n": made}
        )
    return RedrawRequest.objects.create(
        pairing=pairing,
        requested_by=requested_by,
        kind=kind,
        reason=reason.strip(),
        received_on=received_on,
        recorded_by=by,
    )


@transaction.atomic
def withdraw_redraw_request(request: RedrawRequest) -> RedrawRequest:
    request = RedrawRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RedrawRequest.Status.PENDING:
        raise DrawError(_("Only a pending request can be withdrawn."))
    request.status = RedrawRequest.Status.WITHDRAWN
    request.save(update_fields=["status"])
    return request


@dataclass
class Verification:
    """The outcome of recomputing a draw from what is stored."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    stored_hash: str = ""
    recomputed_hash: str = ""


def verify(draw: Draw) -> Verification:
    """Recompute a drawn draw from its stored inputs, rules, secret and entropy and compare:
    the commitment with the secret, the inputs with their hash, the result with the stored one,
    and the published pairings with the result."""
    if not draw.secret_revealed:
        return Verification(False, [_("This draw has not been drawn yet.")])
    problems = []
    secret = bytes.fromhex(draw.secret)
    if commitment(secret) != draw.commitment:
        problems.append(_("The revealed secret does not match the published commitment."))
    frozen = {
        "kind": draw.kind,
        "inputs": draw.inputs,
        "rules": draw.rules,
        "algorithm": draw.algorithm,
    }
    if stable_hash(frozen) != draw.inputs_hash:
        problems.append(_("The stored inputs or rules differ from those frozen when prepared."))
    seed = derive_seed(secret, draw.entropy)
    if seed.hex() != draw.seed:
        problems.append(_("The stored seed is not SHA-256(secret ‖ entropy)."))
    recomputed_hash = ""
    if draw.algorithm != pairing_draw.ALGORITHM:
        problems.append(
            _("This draw used the algorithm %(old)s; this installation runs %(new)s.")
            % {"old": draw.algorithm, "new": pairing_draw.ALGORITHM}
        )
    else:
        try:
            recomputed = compute(draw.kind, draw.inputs, draw.rules, seed)
        except (pairing_draw.Infeasible, ValueError, KeyError, TypeError) as error:
            problems.append(
                _("The stored inputs cannot be recomputed: %(e)s")
                % {
                    "e": refusals.explain(error)
                    if isinstance(error, pairing_draw.Infeasible)
                    else error
                }
            )
        else:
            recomputed_hash = stable_hash(recomputed)
            if recomputed != draw.result or recomputed_hash != draw.result_hash:
                problems.append(_("The stored result differs from the recomputed result."))
            if draw.status == Draw.Status.PUBLISHED and _published(draw) != _expected(recomputed):
                problems.append(_("The published pairings differ from the recomputed result."))
    return Verification(not problems, problems, draw.result_hash, recomputed_hash)


def _published(draw: Draw) -> list[tuple]:
    return sorted(
        (p.reviewed.code, p.reviewer.code, tuple(p.instruments), p.role)
        for p in draw.pairings.select_related("reviewed", "reviewer")
    )


def _expected(result: dict) -> list[tuple]:
    items = result.get("pairings", []) + result.get("extended", [])
    items += [r["pairing"] for r in result.get("replacements", [])]
    return sorted((i["reviewed"], i["reviewer"], tuple(i["instruments"]), i["role"]) for i in items)
