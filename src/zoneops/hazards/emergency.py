"""Emergency command: every write of an incident through here, permission-checked, in one
transaction, audited and put on the incident's timeline. A drill notifies in the platform only
(no channel, e-mail or webhook: no one outside hears of it)."""

from __future__ import annotations

import io
import math
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core import permissions as core
from zoneops.core.models import Alert, AuditAction, Role, Unit, User
from zoneops.core.services.audit import record, save_audited
from zoneops.core.services.notify import notify

from . import permissions as perm
from . import zones
from .models import HazardUnit, Incident, IncidentEvent, IncidentTask, Resource

ZONE_FIELDS = ("cas", "phase", "hole_diameter_mm", "pressure_kpa", "temperature_c",
               "pool_area_m2", "stability", "insolation", "exposure")


def _event(actor: User | str, incident: Incident, kind: str, text: str = "",
           data: dict | None = None) -> IncidentEvent:
    event = IncidentEvent.objects.create(incident=incident, at=timezone.now(), kind=kind,
                                         text=text, data=data or {},
                                         by=actor if isinstance(actor, User) else None)
    record(actor, AuditAction.UPDATE, incident, None, {"timeline": kind, "text": text[:200]})
    return event


def _require_open(incident: Incident) -> None:
    if incident.status != Incident.Status.OPEN:
        raise ValidationError({"status": _("The incident is closed.")})


@transaction.atomic
def open_incident(actor: User, *, unit: HazardUnit, title: str, drill: bool,
                  alert: Alert | None = None) -> Incident:
    core.require(perm.can_command(actor) and perm.can_view_unit(actor, unit),
                 "only the duty officer, the office or an administrator opens an incident")
    if not title.strip():
        raise ValidationError({"title": _("Give the incident a title.")})
    incident = save_audited(actor, Incident(unit=unit, opened_by=actor, opened_at=timezone.now()),
                            {"title": title.strip(), "drill": drill, "alert": alert})
    text = _("Opened from alert: %(title)s") % {"title": alert.title} if alert else ""
    _event(actor, incident, IncidentEvent.Kind.OPENED, text)
    return incident


@transaction.atomic
def draw_zone(actor: User, incident: Incident, form_data: dict[str, Any]) -> IncidentEvent:
    """(Re)draw the threat zone with the release and the wind now; the release is kept so a
    later wind only needs the wind."""
    core.require(perm.can_command(actor))
    _require_open(incident)
    release = {k: form_data.get(k) for k in ZONE_FIELDS}
    result = zones.draw(incident.unit, {**release, "wind_speed_m_s": form_data.get(
        "wind_speed_m_s"), "wind_from_deg": form_data.get("wind_from_deg")})
    if "error" in result:
        raise ValidationError({"zone": str(result["error"])})
    incident.release = release
    incident.save(update_fields=["release"])
    return _zone_event(actor, incident, result)


def _zone_event(actor: User | str, incident: Incident, result: dict) -> IncidentEvent:
    zone = result["zone"]
    met = zone["properties"]["met"]
    reach = {f["properties"]["level"]: f["properties"]["distance_m"] for f in zone["features"]
             if f["properties"]["kind"] == "threat_zone"}
    source = _("entered") if result["wind"] == "entered" else result["wind"]
    text = _("Wind %(speed)s m/s from %(dir)s° (%(source)s); reach %(reach)s") % {
        "speed": met["wind_speed_m_s"], "dir": met["wind_from_deg"], "source": source,
        "reach": ", ".join(f"{k} {v:g} m" for k, v in reach.items())}
    return _event(actor, incident, IncidentEvent.Kind.ZONE, text,
                  {"zone": zone, "wind_source": result["wind"]})


# A mast wind this much turned (degrees) or changed (m/s) since the zone on screen was drawn
# redraws it: the plume moves with the wind, the command should not have to notice.
WIND_TURN_DEG = 20.0
WIND_SPEED_CHANGE_M_S = 1.0


def redraw_on_wind_change() -> int:
    """Worker job: every open incident whose zone was drawn with a mast's wind is redrawn
    when that wind has turned or changed enough; a zone drawn with an entered wind stays as
    the command drew it. Returns how many zones were redrawn."""
    redrawn = 0
    for incident in Incident.objects.filter(status=Incident.Status.OPEN).select_related("unit"):
        last = incident.events.filter(kind=IncidentEvent.Kind.ZONE).order_by("-at", "-pk").first()
        if last is None or not incident.release or last.data.get("wind_source") in (
                None, "entered"):
            continue
        before = last.data["zone"]["properties"]["met"]
        result = zones.draw(incident.unit, {**incident.release, "wind_speed_m_s": None,
                                            "wind_from_deg": None})
        if "error" in result:
            continue
        now = result["zone"]["properties"]["met"]
        turn = abs((now["wind_from_deg"] - before["wind_from_deg"] + 180) % 360 - 180)
        if (turn < WIND_TURN_DEG and abs(now["wind_speed_m_s"] - before["wind_speed_m_s"])
                < WIND_SPEED_CHANGE_M_S):
            continue
        with transaction.atomic():
            _zone_event("system", incident, result)
        redrawn += 1
    return redrawn


def latest_zone(incident: Incident) -> dict | None:
    event = incident.events.filter(kind=IncidentEvent.Kind.ZONE).order_by("-at", "-pk").first()
    return event.data.get("zone") if event else None


def _recipients(incident: Incident, unit: Unit | None = None) -> list[User]:
    people = list(User.objects.filter(is_active=True, role__in=[Role.DUTY_OFFICER, Role.OFFICE]))
    if unit is not None:
        people += list(User.objects.filter(is_active=True, role=Role.UNIT_STAFF, unit=unit))
    return people


def _notify(incident: Incident, *, title: str, body: str, users: list[User],
            units: list[Unit]) -> int:
    prefix = _("[DRILL] ") if incident.drill else ""
    link = reverse("hazards-incident-detail", args=[incident.pk])
    # A drill stays inside the platform: in-app notices only, no unit's outside channels.
    return notify(title=prefix + title, body=body, link=link, users=users,
                  units=[] if incident.drill else units)


@transaction.atomic
def add_task(actor: User, incident: Incident, *, unit: Unit, text: str,
             due_at: datetime) -> IncidentTask:
    core.require(perm.can_command(actor))
    _require_open(incident)
    if not text.strip():
        raise ValidationError({"text": _("Say what is to be done.")})
    if due_at <= timezone.now():
        raise ValidationError({"due_at": _("The deadline must be in the future.")})
    task = save_audited(actor, IncidentTask(incident=incident, assignee_unit=unit),
                        {"text": text.strip(), "due_at": due_at})
    _event(actor, incident, IncidentEvent.Kind.TASK,
           f"{unit.name}: {task.text} (≤ {timezone.localtime(due_at):%m-%d %H:%M})",
           {"task": task.pk})
    _notify(incident, title=_("Task: %(text)s") % {"text": task.text}, body=incident.title,
            users=_recipients(incident, unit), units=[unit])
    return task


@transaction.atomic
def finish_task(actor: User, task: IncidentTask, *, feedback: str) -> IncidentTask:
    task = IncidentTask.objects.select_for_update().get(pk=task.pk)
    core.require(perm.can_finish_task(actor, task))
    _require_open(task.incident)
    if task.status != IncidentTask.Status.ASSIGNED:
        raise ValidationError({"status": _("Only an assigned task can be marked done.")})
    if not feedback.strip():
        raise ValidationError({"feedback": _("Say what was done.")})
    save_audited(actor, task, {"status": IncidentTask.Status.DONE, "feedback": feedback.strip(),
                               "done_at": timezone.now(), "done_by": actor})
    _event(actor, task.incident, IncidentEvent.Kind.TASK_DONE, f"{task.text}: {feedback}",
           {"task": task.pk})
    return task


@transaction.atomic
def close_task(actor: User, task: IncidentTask) -> IncidentTask:
    task = IncidentTask.objects.select_for_update().get(pk=task.pk)
    core.require(perm.can_command(actor))
    if task.status != IncidentTask.Status.DONE:
        raise ValidationError({"status": _("Only a task marked done can be verified.")})
    if task.done_by_id == actor.pk:
        raise ValidationError({"status": _("Whoever did the task does not verify it.")})
    save_audited(actor, task, {"status": IncidentTask.Status.CLOSED,
                               "closed_at": timezone.now()})
    _event(actor, task.incident, IncidentEvent.Kind.TASK_CLOSED, task.text, {"task": task.pk})
    return task


@transaction.atomic
def notify_all(actor: User, incident: Incident, *, message: str) -> int:
    """One click: the dispatchers, the supervising unit's staff (and its channels, unless a
    drill) and the enterprise's contacts."""
    core.require(perm.can_command(actor))
    _require_open(incident)
    if not message.strip():
        raise ValidationError({"message": _("Write the message.")})
    enterprise = incident.unit.enterprise
    supervising = enterprise.unit
    users = _recipients(incident, supervising) + list(
        User.objects.filter(is_active=True, role=Role.ENTERPRISE, enterprise=enterprise))
    count = _notify(incident, title=incident.title, body=message.strip(), users=users,
                    units=[supervising] if supervising else [])
    _event(actor, incident, IncidentEvent.Kind.NOTIFIED, message.strip(),
           {"people": count, "outside_channels": not incident.drill})
    return count


@transaction.atomic
def add_note(actor: User, incident: Incident, *, text: str) -> IncidentEvent:
    core.require(perm.can_command(actor))
    _require_open(incident)
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    return _event(actor, incident, IncidentEvent.Kind.NOTE, text.strip())


@transaction.atomic
def close_incident(actor: User, incident: Incident, *, summary: str) -> Incident:
    core.require(perm.can_command(actor))
    _require_open(incident)
    if not summary.strip():
        raise ValidationError({"summary": _("Write the closing summary.")})
    if incident.tasks.exclude(status=IncidentTask.Status.CLOSED).exists():
        raise ValidationError({"summary": _("Verify or finish every task first.")})
    save_audited(actor, incident, {"status": Incident.Status.CLOSED, "summary": summary.strip(),
                                   "closed_at": timezone.now()})
    _event(actor, incident, IncidentEvent.Kind.CLOSED, summary.strip())
    return incident


# ---- reads ----------------------------------------------------------------------------------


def nearest_resources(incident: Incident) -> list[tuple[Resource, float | None]]:
    """Every resource with its distance (m) from the unit, nearest first."""
    centre = zones.unit_centre(incident.unit)
    rows = []
    for res in Resource.objects.all():
        d = None
        if centre is not None:
            lon0, lat0 = centre
            dx = math.radians(res.longitude - lon0) * math.cos(math.radians(lat0)) * 6_371_000
            dy = math.radians(res.latitude - lat0) * 6_371_000
            d = math.hypot(dx, dy)
        rows.append((res, d))
    return sorted(rows, key=lambda r: (r[1] is None, r[1] or 0.0))


def report_docx(incident: Incident) -> bytes:
    """The closing report: what, where, the timeline, the tasks, the last zone."""
    from docx import Document

    doc = Document()
    prefix = _("[DRILL] ") if incident.drill else ""
    doc.add_heading(prefix + _("Incident report: %(title)s") % {"title": incident.title}, 0)
    unit = incident.unit
    doc.add_paragraph(f"{unit.enterprise.name} · {unit.code} {unit.name}")
    doc.add_paragraph(_("Opened %(at)s; status %(status)s.") % {
        "at": f"{timezone.localtime(incident.opened_at):%Y-%m-%d %H:%M}",
        "status": incident.get_status_display()})
    if incident.summary:
        doc.add_heading(_("Closing summary"), 1)
        doc.add_paragraph(incident.summary)
    doc.add_heading(_("Timeline"), 1)
    table = doc.add_table(rows=1, cols=3)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = _("time"), _("kind")
    table.rows[0].cells[2].text = _("text")
    for event in incident.events.all():
        cells = table.add_row().cells
        cells[0].text = f"{timezone.localtime(event.at):%m-%d %H:%M:%S}"
        cells[1].text = str(event.get_kind_display())
        cells[2].text = event.text
    doc.add_heading(_("Tasks"), 1)
    for task in incident.tasks.select_related("assignee_unit"):
        doc.add_paragraph(f"{task.assignee_unit.name}: {task.text} — "
                          f"{task.get_status_display()} {task.feedback}", style="List Bullet")
    zone = latest_zone(incident)
    if zone:
        doc.add_heading(_("Last threat zone"), 1)
        for f in zone["features"]:
            p = f["properties"]
            if p["kind"] == "threat_zone":
                c = p["counts"]
                doc.add_paragraph(
                    f"{p['level']} {p['threshold_ppm']} ppm: {p['distance_m']} m; "
                    + _("stations %(s)s, residents %(r)s, schools %(sc)s, hospitals %(h)s")
                    % {"s": c["stations"], "r": c["residents"], "sc": c["schools"],
                       "h": c["hospitals"]}, style="List Bullet")
        doc.add_paragraph(_("Model: %(model)s") % {"model": zone["properties"]["model_text"]})
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
