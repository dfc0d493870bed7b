"""The documents the worker makes (revmod.lib.generated), with their jobs in this app's
`Generation` rows: the pairings PDF here, the status report's in revmod.stats. The views serve
them through `documents.respond`; the worker makes them through `documents.make_next`."""

from revmod.lib.generated import Documents
from revmod.lots.models import Generation

documents = Documents(Generation)
