"""Thin views: parse the request, call a selector or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import CharField, Count, Q, Value
from django.db.models.functions import Cast, Concat
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import auth, forms, selectors, userfiles
from . import permissions as perm
from .models import (
    Alert,
    ApiToken,
    AuditEntry,
    Enterprise,
    Notification,
    NotificationChannel,
    Place,
    Role,
    Unit,
    User,
)
from .models.alerts import MODULE_LABELS, OPEN_STATUSES
from .registry import ALERT_PANELS, DASHBOARD_PANELS
from .services import alerts as alert_services
from .services import notify as notify_services
from .services import org as org_services
from .services import people as people_services


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's field errors on the form fields they name."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        # A form-wide message (Django's "__all__") is shown as it is: never a raw key.
        label = "" if field == NON_FIELD_ERRORS else _field_label(form, field)
        for message in errors:
            form.add_error(target, f"{label}: {message}" if target is None and label
                           else message)


def _field_label(form, field: str) -> str:
    """A field the form does not show, named as its model names it (in the UI language)."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        try:
            return str(model._meta.get_field(field).verbose_name)
        except Exception:  # noqa: BLE001 - not a model field: its name is all there is
            pass
    return field


def client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def login_view(request: HttpRequest) -> HttpResponse:
    form = forms.LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = client_address(request)
        wait = auth.wait_seconds(username, address)
        if wait:
            form.add_error(None, _("Too many failed attempts. Try again in %(seconds)s seconds.")
                           % {"seconds": wait})
        else:
            # Failures and successes are counted and audited by the signals in core/auth.py.
            user = django_authenticate(request, username=username,
                                       password=form.cleaned_data["password"])
            if user is None:
                form.add_error(None, _("Wrong user name or password."))
            else:
                login(request, user)
                if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                    next_url = ""
                return redirect(next_url or "home")
    return render(request, "core/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password (required first when an administrator asked for it)."""
    form = forms.PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            people_services.change_own_password(
                request.user, current_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # stay signed in on this device
            messages.success(request, _("Your password has been changed."))
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = reverse("home")
            return redirect(target)
    return render(request, "core/password_change.html", {
        "form": form, "forced": request.user.must_change_password})


def healthz(request: HttpRequest) -> JsonResponse:
    Unit.objects.exists()  # touches the database
    return JsonResponse({"ok": True})


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = selectors.alerts_for(user)
    open_alerts = visible.filter(status__in=OPEN_STATUSES)
    by_level = dict(open_alerts.values_list("level").annotate(n=Count("id")).order_by())
    context = {
        "inbox": selectors.alert_inbox(user, "mine")[:8],
        "open_count": open_alerts.count(),
        "overdue_count": open_alerts.filter(escalated_at__isnull=False).count(),
        "levels": [(value, label, by_level.get(value, 0)) for value, label in Alert.Level.choices],
        "notifications": Notification.objects.filter(recipient=user)[:6],
        "unit_count": Unit.objects.filter(is_active=True).count() if perm.is_internal(user)
        else None,
        "enterprise_count": selectors.enterprises_for(user).count(),
        "panels": [panel for make in DASHBOARD_PANELS if (panel := make(request))],
    }
    return render(request, "core/home.html", context)


def map_view(request: HttpRequest) -> HttpResponse:
    if not perm.is_internal(request.user):
        raise PermissionDenied
    enterprises = [
        {"name": e.name, "lat": float(e.latitude), "lon": float(e.longitude),
         "industry": e.industry, "url": f"/enterprises/{e.pk}/"}
        for e in selectors.enterprises_for(request.user).filter(latitude__isnull=False)
    ]
    return render(request, "core/map.html", {
        "places": selectors.places_geojson(), "enterprises": enterprises,
        "tile_url": settings.ZONEOPS_TILE_URL,
    })


def places_geojson(request: HttpRequest) -> JsonResponse:
    if not perm.is_internal(request.user):
        raise PermissionDenied
    return JsonResponse(selectors.places_geojson())


# --- units --------------------------------------------------------------------------------

def unit_list(request: HttpRequest) -> HttpResponse:
    if not perm.is_internal(request.user):
        raise PermissionDenied
    units = selectors.units_for(request.user).annotate(staff_count=Count("staff", distinct=True))
    return render(request, "core/unit_list.html", {
        "units": units, "can_edit": perm.can_manage_registry(request.user)})


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(selectors.units_for(request.user), pk=pk)
    return render(request, "core/unit_detail.html", {
        "unit": unit, "history": selectors.history_of(unit)[:50],
        "staff": unit.staff.filter(is_active=True), "children": unit.children.all(),
        "channels": unit.channels.all() if perm.can_manage_registry(request.user) else None,
        "can_edit": perm.can_manage_registry(request.user)})


def _registry_edit(request: HttpRequest, form_class, model, pk: int | None,
                   save: Callable, titles: tuple[str, str], cancel: str,
                   done: Callable[[Any], str]) -> HttpResponse:
    """The registry's edit pages: the form parses, the service validates and writes.

    The service gets a fresh copy of the object: ModelForm validation has already written the
    submitted values onto form.instance, and the audit trail needs what was stored before."""
    if not perm.can_manage_registry(request.user):
        raise PermissionDenied
    existing = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = save(data, model.objects.get(pk=pk) if pk else None, form)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(done(saved))
    return render(request, "core/form.html", {
        "form": form, "title": titles[0] if existing else titles[1], "cancel": cancel,
        "history": selectors.history_of(existing)[:30] if existing else []})


def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _registry_edit(
        request, forms.UnitForm, Unit, pk,
        lambda data, unit, form: (
            org_services.update_unit(request.user, unit, data, aliases=form.alias_list())
            if unit else org_services.create_unit(request.user, data,
                                                  aliases=form.alias_list())),
        (_("Edit unit"), _("New unit")), "/units/",
        lambda unit: reverse("unit-detail", args=[unit.pk]))


def channel_edit(request: HttpRequest, unit_pk: int, pk: int | None = None) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=unit_pk)
    if pk and request.method == "POST" and "send_test" in request.POST:
        perm.require(perm.can_manage_registry(request.user))
        channel = get_object_or_404(NotificationChannel, pk=pk, unit=unit)
        notify_services.queue_test_message(request.user, channel)
        messages.success(request, _("A test message is queued; the worker sends it shortly."))
        return redirect("unit-detail", unit.pk)
    return _registry_edit(
        request, forms.ChannelForm, NotificationChannel, pk,
        lambda data, channel, form: (
            notify_services.update_channel(request.user, channel, data) if channel
            else notify_services.create_channel(request.user, unit, data)),
        (_("Edit notification channel"), _("New notification channel")),
        reverse("unit-detail", args=[unit.pk]),
        lambda channel: reverse("unit-detail", args=[unit.pk]))


# --- enterprises --------------------------------------------------------------------------

def enterprise_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.enterprises_for(request.user)
    if perm.role_of(request.user) is None:
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
    block = request.GET.get("block")
    if block:
        qs = qs.filter(block__code=block)
    page = Paginator(qs.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(request, "core/enterprise_list.html", {
        "page": page, "q": q, "block": block,
        "blocks": Place.objects.filter(kind=Place.Kind.BLOCK),
        "can_edit": perm.can_manage_registry(request.user)})


def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(selectors.enterprises_for(request.user), pk=pk)
    return render(request, "core/enterprise_detail.html", {
        "enterprise": enterprise, "history": selectors.history_of(enterprise)[:50],
        "alerts": selectors.alerts_for(request.user).filter(enterprise=enterprise)[:20],
        "can_edit": perm.can_manage_registry(request.user)})


def enterprise_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _registry_edit(
        request, forms.EnterpriseForm, Enterprise, pk,
        lambda data, enterprise, form: (
            org_services.update_enterprise(request.user, enterprise, data) if enterprise
            else org_services.create_enterprise(request.user, data)),
        (_("Edit enterprise"), _("New enterprise")), "/enterprises/",
        lambda enterprise: reverse("enterprise-detail", args=[enterprise.pk]))


# --- people -------------------------------------------------------------------------------

def user_list(request: HttpRequest) -> HttpResponse:
    if not perm.can_manage_registry(request.user):
        raise PermissionDenied
    return render(request, "core/user_list.html", {"people": selectors.users_for(request.user)})


def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _registry_edit(
        request, forms.UserForm, User, pk,
        lambda data, person, form: (
            people_services.update_user(request.user, person, data,
                                        password=form.cleaned_data["password"] or None)
            if person else people_services.create_user(
                request.user, data, password=form.cleaned_data["password"])),
        (_("Edit person"), _("New person")), "/people/", lambda person: reverse("user-list"))


def audit_list(request: HttpRequest) -> HttpResponse:
    if not perm.is_admin(request.user):
        raise PermissionDenied
    page = Paginator(AuditEntry.objects.select_related("content_type"), 100).get_page(
        request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page})


# --- alerts -------------------------------------------------------------------------------

INBOXES = [("mine", "My inbox"), ("unit", "My unit"), ("open", "All open"), ("all", "All")]


def alert_list(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box", "mine")
    if box not in dict(INBOXES):
        box = "mine"
    qs = selectors.alert_inbox(request.user, box)
    level = request.GET.get("level")
    if level and level.isdigit():
        qs = qs.filter(level=int(level))
    # Air alarms and supervision lights apart: one module at a time, or all.
    present = set(qs.order_by().values_list("module", flat=True).distinct())
    modules = sorted(((key, str(MODULE_LABELS.get(key, key))) for key in present),
                     key=lambda m: m[1])
    module = request.GET.get("module", "")
    if module in dict(modules):
        qs = qs.filter(module=module)
    else:
        module = ""
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/alert_list.html", {
        "page": page, "box": box, "level": level, "levels": Alert.Level.choices,
        "module": module, "modules": modules,
        "can_acknowledge": perm.role_of(request.user) in perm.DISPATCHERS | {Role.UNIT_STAFF},
        "inboxes": [(key, _(label)) for key, label in INBOXES]})


@require_POST
def alert_acknowledge_many(request: HttpRequest) -> HttpResponse:
    """Acknowledge the alerts ticked in the list (only those the person may see)."""
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
    if not ids:
        messages.error(request, _("Tick the alerts to acknowledge."))
    else:
        alerts = list(selectors.alerts_for(request.user).filter(pk__in=ids))
        if not alerts:
            raise Http404
        if not any(perm.can_acknowledge_alert(request.user, a) for a in alerts):
            raise PermissionDenied
        try:
            done = alert_services.acknowledge_many(request.user, alerts,
                                                   note=request.POST.get("note", ""))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(n)s alerts acknowledged.") % {"n": done})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("alert-list")
    return redirect(back or reverse("alert-list"))


def _visible_alert(request: HttpRequest, pk: int) -> Alert:
    alert = selectors.alerts_for(request.user).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _visible_alert(request, pk)
    user = request.user
    status = alert.status
    actions = {
        "acknowledge": status in alert_services.ALLOWED_FROM["acknowledge"]
        and perm.can_acknowledge_alert(user, alert),
        "assign": status in alert_services.ALLOWED_FROM["assign"]
        and perm.can_assign_alert(user, alert),
        "handle": status in alert_services.ALLOWED_FROM["handle"]
        and perm.can_handle_alert(user, alert),
        "close": status in alert_services.ALLOWED_FROM["close"]
        and perm.can_close_alert(user, alert),
        "reopen": status in alert_services.ALLOWED_FROM["reopen"]
        and perm.can_reopen_alert(user, alert),
    }
    panels = [panel for panel in (make(request, alert) for make in ALERT_PANELS)
              if panel]
    # The alarm's own enterprise (else its unit) is preselected, and proposed first.
    initial = ({"enterprise": alert.enterprise_id} if alert.enterprise_id
               else {"unit": alert.unit_id} if alert.unit_id else {})
    return render(request, "core/alert_detail.html", {
        "alert": alert, "history": selectors.history_of(alert), "actions": actions,
        "panels": panels,
        "assignees": selectors.assignee_choices(alert) if actions["assign"] else None,
        "assign_form": forms.AssignForm(initial=initial), "note_form": forms.NoteForm(),
        "handle_form": forms.HandleForm(), "reason_form": forms.ReasonForm(),
        "attachments": alert.attachments.all()})


def alert_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Evidence is served only to those who may see the alert (never from a public /media/)."""
    alert = _visible_alert(request, pk)
    attachment = get_object_or_404(alert.attachments, pk=attachment_pk)
    return userfiles.protect(FileResponse(attachment.file.open("rb"), as_attachment=True,
                                          filename=attachment.name))


@require_POST
def alert_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    alert = _visible_alert(request, pk)
    user = request.user
    try:
        if action == "acknowledge":
            alert_services.acknowledge(user, alert, note=request.POST.get("note", ""))
        elif action == "assign":
            form = forms.AssignForm(request.POST)
            if not form.is_valid():
                raise ValidationError([f"{form.fields[name].label}: {error}"
                                       for name, errors in form.errors.items()
                                       for error in errors])
            alert_services.assign(user, alert, unit=form.cleaned_data["unit"],
                                  user=form.cleaned_data["user"],
                                  enterprise=form.cleaned_data["enterprise"],
                                  note=form.cleaned_data["note"])
        elif action == "handle":
            alert_services.handle(user, alert, feedback=request.POST.get("feedback", ""),
                                  files=request.FILES.getlist("files"))
        elif action == "close":
            alert_services.close(user, alert, note=request.POST.get("note", ""))
        elif action == "reopen":
            alert_services.reopen(user, alert, reason=request.POST.get("reason", ""))
        else:
            raise Http404
    except ValidationError as exc:
        # Service messages are written to stand alone (and are translated), so no field prefix.
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done."))
    return redirect("alert-detail", pk)


# --- notifications and tokens -------------------------------------------------------------

def notification_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notify_services.mark_read(request.user)
        return redirect("notification-list")
    mine = Notification.objects.filter(recipient=request.user)
    # Air alarms apart from supervision lights: a notice about an alert belongs to its module.
    modules = []
    for key, label in MODULE_LABELS.items():
        if mine.filter(link__in=_alert_links(key)).exists():
            modules.append((key, str(label)))
    module = request.GET.get("module", "")
    if module in dict(modules):
        mine = mine.filter(link__in=_alert_links(module))
    else:
        module = ""
    page = Paginator(mine, 50).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {
        "page": page, "modules": modules, "module": module})


def _alert_links(module: str):
    """The links of a module's alerts, as notices hold them (reverse("alert-detail"))."""
    prefix = reverse("alert-detail", args=[0])[:-2]  # "/alerts/"
    return Alert.objects.filter(module=module).annotate(url=Concat(
        Value(prefix), Cast("pk", output_field=CharField()), Value("/"))).values("url")


def token_list(request: HttpRequest) -> HttpResponse:
    form = forms.TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=request.user)
            people_services.revoke_api_token(request.user, token)
            return redirect("token-list")
        if form.is_valid():
            try:
                _token, new_secret = people_services.create_api_token(
                    request.user, request.user, name=form.cleaned_data["name"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                form = forms.TokenForm()
    return render(request, "core/token_list.html", {
        "tokens": request.user.api_tokens.all(), "form": form, "new_secret": new_secret})
