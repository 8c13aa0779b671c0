"""What the modules' `zoneops` commands share: the acting user named by --as, and files
written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zoneops.core.models import User


def acting_user(username: str) -> User:
    """The active user a command acts as (its writes are audited under that name)."""
    actor = User.objects.filter(username=username, is_active=True).first()
    if actor is None:
        raise CommandError(_("no active user %(name)s (use --as)") % {"name": username})
    return actor


def write_whole(path: str | Path, body: bytes | str) -> None:
    """Write beside the target and rename: a reader never sees half a file."""
    target = Path(path)
    data = body.encode("utf-8") if isinstance(body, str) else body
    handle, temporary = tempfile.mkstemp(dir=target.resolve().parent, prefix=".zoneops-",
                                         suffix=".part")
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
