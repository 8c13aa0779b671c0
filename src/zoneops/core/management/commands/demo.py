from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation


class Command(BaseCommand):
    help = "Migrate, load the demo zone (idempotent), print the demo logins and serve."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the demo data only")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, no_serve, host, port, **options):
        from ...demo import load

        call_command("migrate", interactive=False, verbosity=0)
        with translation.override("zh-hans"):
            logins = load(stdout=self.stdout)
        width = max(len(login["username"]) for login in logins)
        self.stdout.write(self.style.SUCCESS("\nDemo zone loaded. Demo logins (演示账号):"))
        for login in logins:
            self.stdout.write(f"  {login['username']:<{width}}  {login['password']}  "
                              f"{login['role']}  {login['full_name']} · "
                              f"{login['unit_or_enterprise']}")
        if no_serve:
            return
        self.stdout.write(self.style.SUCCESS(
            f"\nZoneOps is at http://{host}:{port}/  (log in with a demo account above; "
            "Ctrl-C stops it)\n"))
        call_command("serve", host=host, port=port)
