"""The HTTP API root: /api, OpenAPI docs at /api/docs. Each app contributes a router."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from .core.api import router as core_router
from .core.services.people import user_for_token
from .environment.api import router as environment_router
from .indicators.api import router as indicators_router
from .supervision.api import router as supervision_router
from .tracing.api import router as tracing_router
from .voting.api import router as voting_router


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request, key):
        user = user_for_token(key or "")
        if user is not None:
            request.user = user
        return user


# The interactive docs list every endpoint: for logged-in people only.
api = NinjaAPI(title="ZoneOps API", version="1", urls_namespace="api",
               auth=[BearerToken(), HeaderToken(), django_auth],
               docs_decorator=login_required)


@api.exception_handler(ValidationError)
def service_validation_error(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "invalid input", "errors": errors},
                               status=422)


@api.exception_handler(NinjaValidationError)
def schema_validation_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", []) if p not in ("body", "payload", "query")]
        errors.setdefault(".".join(loc) or "__all__", []).append(item.get("msg", "invalid"))
    return api.create_response(request, {"detail": "invalid input", "errors": errors},
                               status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "permission denied"}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "not found"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "authentication required"}, status=401)


api.add_router("/core", core_router)
api.add_router("/supervision", supervision_router)
api.add_router("/environment", environment_router)
api.add_router("/voting", voting_router)
api.add_router("/tracing", tracing_router)
api.add_router("/indicators", indicators_router)
