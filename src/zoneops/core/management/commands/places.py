from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from ...models import User
from ...places_import import import_places, parse
from ...selectors import places_geojson


class Command(BaseCommand):
    help = "Import or export the zone's places (zone, functional areas, blocks) as GeoJSON."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="create or update places from a FeatureCollection")
        imp.add_argument("file")
        imp.add_argument("--as", dest="username", required=True,
                         help="the administrator recorded as making the change")
        imp.add_argument("--dry-run", action="store_true", help="validate only")
        exp = sub.add_parser("export", help="write all places as a FeatureCollection")
        exp.add_argument("file")

    def handle(self, *args, action, **options):
        if action == "export":
            import json

            Path(options["file"]).write_text(json.dumps(places_geojson(), ensure_ascii=False,
                                                        indent=1), encoding="utf-8")
            return
        try:
            places = parse(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{options['file']}:\n{exc}") from exc
        if options["dry_run"]:
            self.stdout.write(f"{len(places)} places are valid; nothing was written (dry run)")
            return
        actor = User.objects.filter(username=options["username"]).first()
        if actor is None:
            raise CommandError(f"no user {options['username']}")
        try:
            created, updated = import_places(actor, places)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(f"nothing was written: {exc}") from exc
        self.stdout.write(f"{created} created, {updated} updated")
