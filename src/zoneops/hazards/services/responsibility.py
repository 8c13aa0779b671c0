"""The 包保 responsibility chain: the people, their duty records, missed duties as alerts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core import permissions as core
from zoneops.core.models import User
from zoneops.core.services.audit import record as record_audit
from zoneops.core.services.audit import save_audited

from .. import permissions as perm
from .registry import only_fields

# ---- 包保 responsibility chain ---------------------------------------------------------------

RESPONSIBLE_FIELDS = {"unit", "role", "name", "title", "phone", "user"}
DUTY_PHOTO_MAX_BYTES = 5 * 1024 * 1024
DUTY_PHOTOS_MAX = 6
DUTY_ALERT_LEVEL = 2  # yellow: a duty not done in its period


@transaction.atomic
def _write_responsible(actor: User, data: dict[str, Any], responsible=None):
    from ..models import Responsible

    data = only_fields(data, RESPONSIBLE_FIELDS)
    responsible = responsible or Responsible()
    unit = data.get("unit", responsible.unit if responsible.pk else None)
    role = data.get("role", responsible.role if responsible.pk else None)
    if unit is None:
        raise ValidationError({"unit": "required"})
    if role not in Responsible.Role.values:
        raise ValidationError({"role": "unknown role"})
    core.require(perm.can_edit_responsible(actor, unit, role),
                 "only the enterprise (its own three) or an administrator names 包保 people")
    if responsible.pk:
        core.require(perm.can_edit_responsible(actor, responsible.unit, responsible.role))
    if not str(data.get("name", responsible.name or "")).strip():
        raise ValidationError({"name": _("The name is required.")})
    return save_audited(actor, responsible, data)


def create_responsible(actor: User, data: dict[str, Any]):
    """A new responsible (see _write_responsible)."""
    return _write_responsible(actor, data, None)


def update_responsible(actor: User, responsible, data: dict[str, Any]):
    """Change a saved responsible."""
    if responsible.pk is None:
        raise ValueError("update a saved responsible; create_responsible makes a new one")
    return _write_responsible(actor, data, responsible)


@transaction.atomic
def record_duty(actor: User, *, responsible, done_on: date, checked: str, findings: str = "",
                photos: list | tuple = (), today: date | None = None):
    """A duty done, with its photos decoded and written again (as voting's photos are), all or
    nothing. Clears the person's missed-duty alert: the duty is done again."""
    from zoneops.core.services.alerts import resolve_alert
    from zoneops.voting import photos as photo_kit

    from ..models import DutyPhoto, DutyRecord

    core.require(perm.can_record_duty(actor, responsible),
                 "only the person, the enterprise's contact or an administrator records it")
    if responsible.cadence is None:
        raise ValidationError({"responsible": _("Only the enterprise's three people have "
                                                "periodic duties.")})
    if not checked.strip():
        raise ValidationError({"checked": _("Say what was checked.")})
    today = today or timezone.localdate()
    if done_on > today:
        raise ValidationError({"done_on": _("A duty cannot be dated in the future.")})
    if len(photos) > DUTY_PHOTOS_MAX:
        raise ValidationError({"photos": _("At most %(n)s photos.") % {"n": DUTY_PHOTOS_MAX}})
    images = []
    for upload in photos:
        if upload.size > DUTY_PHOTO_MAX_BYTES:
            raise ValidationError({"photos": _("A photo may be at most 5 MB.")})
        try:
            images.append(photo_kit.reencode(upload))
        except photo_kit.NotAPhoto as exc:
            raise ValidationError(
                {"photos": _("Only JPEG, PNG or WebP photos are accepted.")}) from exc
    record = save_audited(actor, DutyRecord(responsible=responsible, recorded_by=actor),
                          {"done_on": done_on, "checked": checked.strip(),
                           "findings": findings.strip()})
    for image in images:
        photo = DutyPhoto(record=record)
        photo.image.save(image.name, image, save=True)
        record_audit(actor, "attach", record, None, {"attachment": photo.image.name})
    resolve_alert(module="hazards", key=duty_alert_key(responsible),
                  note=f"duty recorded for {done_on}")
    return record


def duty_alert_key(responsible) -> str:
    return f"duty:{responsible.pk}"


def check_duties(*, today: date) -> dict[str, int]:
    """The periodic check: each of the enterprise's three people whose last whole period
    passed with no duty recorded gets a (yellow) alert through the core loop; one already
    open is refreshed, not doubled. Returns counts."""
    from zoneops.core.services.alerts import Raise, apply_causes

    from ..duties import previous_period
    from ..models import CADENCE_BY_ROLE, DutyRecord, Responsible

    causes = []
    people = (Responsible.objects.filter(role__in=list(CADENCE_BY_ROLE))
              .select_related("unit__enterprise"))
    for person in people:
        start, end = previous_period(person.cadence, today)
        if person.unit.enterprise_id is None:
            continue
        if DutyRecord.objects.filter(responsible=person, done_on__range=(start, end)).exists():
            continue
        unit = person.unit
        causes.append(Raise(
            module="hazards", level=DUTY_ALERT_LEVEL, key=duty_alert_key(person), source=person,
            title=_("Duty missed: %(role)s %(name)s, %(unit)s")
            % {"role": person.get_role_display(), "name": person.name, "unit": unit.name},
            detail=_("No duty recorded between %(start)s and %(end)s (%(cadence)s).")
            % {"start": start, "end": end, "cadence": person.get_cadence_display()},
            enterprise=unit.enterprise, unit=unit.enterprise.unit,
            data={"unit": unit.pk, "responsible": person.pk, "period": [str(start), str(end)]}))
    if causes:
        apply_causes(causes)
    return {"checked": len(people), "missed": len(causes)}


