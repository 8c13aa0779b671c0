"""Who may do what in public voting. Residents have no accounts: they act through
verification (services.verify), not through these checks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from zoneops.core import permissions as core_perm
from zoneops.core.models import Role
from zoneops.core.scope import ALL, Scope, Via

from .models import Ballot, Campaign, Community

MANAGERS = frozenset({Role.ADMIN, Role.OFFICE})

# A community officer is unit staff of the community's sub-district (or a unit above it).
COMMUNITIES = Scope(
    Community,
    serve={Role.UNIT_STAFF: Via(units=("unit",))},
    enter_paper={Role.ADMIN: ALL, Role.UNIT_STAFF: Via(units=("unit",))},
)
# Campaigns: those who read everything see all; a community officer sees the campaigns whose
# roll holds residents of the communities they serve.
CAMPAIGNS = Scope(Campaign, view={core_perm.READ_ALL: ALL,
                                  Role.UNIT_STAFF: Via(units=("roll__community__unit",))})
# Paper ballots: the managers see all; officers those of the communities they serve.
PAPER_BALLOTS = Scope(Ballot, view={MANAGERS: ALL,
                                    Role.UNIT_STAFF: Via(units=("community__unit",))})


def can_manage(user) -> bool:
    """Run campaigns: rules, candidates, roll, phases, count, publish, confirm, hand over."""
    return core_perm.role_of(user) in MANAGERS


def officer_community_ids(user) -> set[int]:
    """Communities a community officer serves: those of their sub-district (and below)."""
    return set(COMMUNITIES.restrict(user, "serve").values_list("pk", flat=True))


def is_officer(user) -> bool:
    return bool(officer_community_ids(user))


def can_view(user) -> bool:
    """The staff pages: those who read everything, and community officers."""
    return core_perm.reads_all(user) or is_officer(user)


def can_enter_paper(user, community: Community) -> bool:
    return COMMUNITIES.allows(user, community, "enter_paper")


def can_check_paper(user, ballot: Ballot) -> bool:
    """A second pair of eyes: any officer of the community except the one who typed it in."""
    if ballot.community_id is None or ballot.entered_by_id == getattr(user, "pk", None):
        return False
    return can_enter_paper(user, ballot.community)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
