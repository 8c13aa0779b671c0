from pathlib import Path

import polib
from django.core.management.base import BaseCommand

LOCALE_DIR = Path(__file__).resolve().parents[3] / "locale"


class Command(BaseCommand):
    help = ("Compile the .po catalogues to .mo with polib, so that a server needs no GNU "
            "gettext tools.")

    def handle(self, *args, **options):
        for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(f"{po_path.relative_to(LOCALE_DIR)}: "
                              f"{catalogue.percent_translated()}% translated")
