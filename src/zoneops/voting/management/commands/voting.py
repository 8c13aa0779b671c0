from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from zoneops.core.models import User

from ...models import Campaign
from ...roll_import import RollFileError, parse
from ...services import import_roll


class Command(BaseCommand):
    help = "Public voting: import a resident roll from Excel."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-roll", help="add residents from an .xlsx file to a "
                                                 "campaign's roll (all or nothing)")
        imp.add_argument("file")
        imp.add_argument("--campaign", type=int, required=True, help="campaign id")
        imp.add_argument("--dry-run", action="store_true", help="validate only")
        imp.add_argument("--as", dest="username", default="admin",
                         help="the administrator or supervision officer recorded as importing "
                              "(default: admin)")

    def handle(self, *args, action, file, campaign, dry_run, username, **options):
        target = Campaign.objects.filter(pk=campaign).first()
        if target is None:
            raise CommandError(f"no campaign {campaign}")
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"no user {username}")
        if not Path(file).is_file():
            raise CommandError(f"{file}: no such file")
        try:
            rows = parse(Path(file))
            counts = import_roll(actor, target, rows=rows, dry_run=dry_run)
        except RollFileError as exc:
            raise CommandError(f"{file}: nothing was written:\n{exc}") from exc
        except ValidationError as exc:
            raise CommandError(f"{file}: nothing was written:\n"
                               + "\n".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{username} may not import a roll") from exc
        summary = (f"{counts['residents']} residents in {counts['households']} households, "
                   f"{counts['communities']} new communities")
        if dry_run:
            self.stdout.write(f"{summary} are valid; nothing was written (dry run)")
        else:
            self.stdout.write(f"{summary} added to the roll of “{target}”")
