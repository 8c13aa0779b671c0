"""People, their roles, machine tokens and login attempts."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICE = "office", _("Supervision office")
    LEADER = "leader", _("Leader")
    UNIT_STAFF = "unit_staff", _("Unit staff")
    DUTY_OFFICER = "duty_officer", _("Duty officer")
    ENTERPRISE = "enterprise", _("Enterprise contact")


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices,
                            default=Role.UNIT_STAFF)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="staff",
    )
    enterprise = models.ForeignKey(
        "core.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="contacts",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Set by an administrator (e.g. after handing out a first password): until the person
    # chooses their own, every page leads to the change-password page.
    must_change_password = models.BooleanField(_("must change password at next login"),
                                               default=False)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A bearer token for a machine client. Only a SHA-256 digest is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginAttempt(models.Model):
    """One failed login, kept in the database so every web process sees the same count."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.username} @ {self.address} {self.at:%Y-%m-%d %H:%M:%S}"
