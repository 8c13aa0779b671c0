"""Reads of transfer requests: internal roles see all; an enterprise contact sees those its
enterprise sells or buys in."""

from __future__ import annotations

from django.db.models import Q

from zoneops.core import permissions as perm
from zoneops.core.models import Role, User

from .models_moves import TransferRequest


def requests_for(user: User):
    rows = TransferRequest.objects.select_related("seller", "buyer", "filed_by", "buyer_by",
                                                  "decided_by", "movement")
    if perm.is_internal(user):
        return rows
    if perm.role_of(user) == Role.ENTERPRISE and user.enterprise_id is not None:
        return rows.filter(Q(seller_id=user.enterprise_id) | Q(buyer_id=user.enterprise_id))
    return rows.none()


def can_view_requests(user: User) -> bool:
    return perm.is_internal(user) or (perm.role_of(user) == Role.ENTERPRISE
                                      and user.enterprise_id is not None)
