"""Who may upload which kind of document: the pure rules, without a database."""

from revmod.documents.rules import Kind, kinds_for, may_add_version, may_upload
from revmod.reviews.workflow import Actor, Role, Side

SECRETARIAT = Actor(Role.SECRETARIAT)
REVIEWED_FP = Actor(Role.FOCAL_POINT, "FRA", Side.REVIEWED)
REVIEWED_EXPERT = Actor(Role.EXPERT, "FRA", Side.REVIEWED)
REVIEWER_EXPERT = Actor(Role.EXPERT, "KEN", Side.REVIEWING)
OTHER_REVIEWER = Actor(Role.FOCAL_POINT, "BRA", Side.REVIEWING)
OBSERVER = Actor(Role.OBSERVER, "FRA", Side.REVIEWED)


def test_kinds_by_side():
    assert kinds_for(SECRETARIAT) == list(Kind)
    assert kinds_for(None) == [] and kinds_for(OBSERVER) == []
    assert Kind.QUESTIONNAIRE_ANSWERS in kinds_for(REVIEWED_EXPERT)
    assert Kind.WRITTEN_FEEDBACK not in kinds_for(REVIEWED_FP)
    assert Kind.QUESTIONNAIRE_ANSWERS not in kinds_for(REVIEWER_EXPERT)
    assert Kind.WRITTEN_FEEDBACK in kinds_for(REVIEWER_EXPERT)
    for actor in (REVIEWED_FP, REVIEWER_EXPERT):
        for kind in (Kind.LIST_OF_OBSERVATIONS, Kind.SUMMARY, Kind.SUPPORTING, Kind.NOTE_VERBALE):
            assert may_upload(actor, kind)


def test_versions_of_own_documents_stay_with_their_party():
    assert may_add_version(REVIEWED_EXPERT, Kind.SUPPORTING, "FRA")
    assert not may_add_version(REVIEWER_EXPERT, Kind.SUPPORTING, "FRA")
    assert not may_add_version(REVIEWED_FP, Kind.NOTE_VERBALE, None)  # the secretariat's
    assert may_add_version(SECRETARIAT, Kind.NOTE_VERBALE, "KEN")
    # Jointly written: any party allowed to write the kind.
    assert may_add_version(OTHER_REVIEWER, Kind.WRITTEN_FEEDBACK, "KEN")
    assert may_add_version(REVIEWER_EXPERT, Kind.SUMMARY, "FRA")
    assert not may_add_version(REVIEWED_FP, Kind.WRITTEN_FEEDBACK, "KEN")
    assert not may_add_version(OBSERVER, Kind.SUMMARY, "FRA")
