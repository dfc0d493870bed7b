from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from revmod.reviews import audit


class Command(BaseCommand):
    help = (
        "Check the audit: recompute every review's chain of events and the hashes of what was "
        "frozen (submitted answers and feedback, versions of the list of observations), and "
        "that every frozen row matches the event written with it. Names the first broken link "
        "of each review; exits with status 1 when anything does not hold. --write-heads saves "
        "the last event of each chain; --against checks that the chains still run through the "
        "heads saved by an earlier run (keep that file away from the database)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--review", type=int, action="append", help="only this review (repeatable)"
        )
        parser.add_argument("--write-heads", type=Path, help="save the chains' heads (JSON)")
        parser.add_argument("--against", type=Path, help="heads saved by an earlier run")

    def handle(self, *args, review=None, write_heads=None, against=None, **options):
        earlier = None
        if against is not None:
            try:
                earlier = audit.Heads.loads(against.read_text())
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise CommandError(f"Cannot read the heads in {against}: {error}") from None
        problems: list[audit.Problem] = []
        heads = audit.verify(problems.append, reviews=review, against=earlier)
        for problem in problems:
            self.stdout.write(f"BROKEN {problem}")
        if write_heads is not None and not problems:
            write_heads.write_text(heads.dumps())
            self.stdout.write(f"Heads of {len(heads.heads)} chains written to {write_heads}.")
        if problems:
            reviews = len({p.review_id for p in problems})
            raise CommandError(
                f"The audit does not hold: {len(problems)} problem(s) in {reviews} review(s)."
                + (" The heads were not written." if write_heads is not None else "")
            )
        self.stdout.write(
            f"The audit holds: {heads.events} events in {len(heads.heads)} reviews, and what "
            "was frozen."
        )
