from django.core.management.base import BaseCommand, CommandError

from revmod.lots.actions import verify
from revmod.lots.models import Draw


class Command(BaseCommand):
    help = (
        "Recompute a draw from its stored inputs, rules, secret and public entropy and confirm "
        "that the result is identical. Exits non-zero when it is not."
    )

    def add_arguments(self, parser):
        parser.add_argument("draw_id", type=int)

    def handle(self, *args, draw_id, **options):
        draw = Draw.objects.select_related("meeting").filter(pk=draw_id).first()
        if draw is None:
            raise CommandError(f"There is no draw {draw_id}.")
        outcome = verify(draw)
        self.stdout.write(f"draw {draw.pk}: {draw.get_kind_display()}, {draw.meeting}")
        self.stdout.write(f"algorithm: {draw.algorithm}")
        self.stdout.write(f"commitment: {draw.commitment}")
        self.stdout.write(f"entropy: {draw.entropy!r}")
        self.stdout.write(f"seed: {draw.seed}")
        self.stdout.write(f"stored result hash:     {outcome.stored_hash}")
        self.stdout.write(f"recomputed result hash: {outcome.recomputed_hash}")
        if not outcome.ok:
            raise CommandError("NOT VERIFIED: " + " ".join(str(p) for p in outcome.problems))
        self.stdout.write(self.style.SUCCESS("VERIFIED: the recomputed result is identical."))
