"""The projects page: each new project's EIA quantities checked against its enterprise's
holding and the reserves ("no rights, no project"); the office registers projects there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zoneops.core import permissions as perm
from zoneops.core.models import Role
from zoneops.core.views import apply_errors

from . import projects
from .forms_projects import ProjectForm
from .permissions import can_write_ledger
from .services.projects import register_project


@login_required
@require_http_methods(["GET", "POST"])
def project_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (perm.is_internal(user) or perm.role_of(user) == Role.ENTERPRISE):
        raise PermissionDenied
    writer = can_write_ledger(user)
    if request.method == "POST" and not writer:
        raise PermissionDenied
    form = ProjectForm(request.POST or None) if writer else None
    if request.method == "POST" and form.is_valid():
        try:
            project = register_project(user, form.project_data(), form.quantities())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Project %(name)s registered.") % {"name": project.name})
            return redirect(f"{request.path}#project-{project.pk}")
    today = timezone.localdate()
    checks = [projects.check(p, today) for p in projects.projects_for(user)]
    return render(request, "rights/projects.html", {
        "checks": checks, "form": form, "on": today})
