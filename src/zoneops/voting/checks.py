"""`zoneops check --deploy`: the voting pepper must be this deployment's own secret."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

MIN_PEPPER_LENGTH = 32


@register(Tags.security, deploy=True)
def voting_pepper(app_configs, **kwargs) -> list[Warning]:
    from .services import DEV_PEPPER

    pepper = getattr(settings, "VOTING_ID_PEPPER", "") or ""
    if pepper == DEV_PEPPER or len(pepper) < MIN_PEPPER_LENGTH:
        return [Warning(
            "VOTING_ID_PEPPER is the public development value or shorter than "
            f"{MIN_PEPPER_LENGTH} characters: hashed resident ID numbers and household codes "
            "could be matched against a list of ID numbers.",
            hint="Set VOTING_ID_PEPPER to a long random secret of this deployment, once, "
                 "before the first roll is imported (see docs/operations.md).",
            id="zoneops.W001")]
    return []
