import os
import threading

from django.core.management.base import BaseCommand

from .worker import loop


class Command(BaseCommand):
    help = "Serve the platform over HTTP (uvicorn, ASGI), with the notification worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1, help="web processes")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not run the notification/escalation worker in this process")

    def handle(self, *args, host, port, workers, no_worker, **options):
        import uvicorn

        if not no_worker:
            threading.Thread(target=loop, args=(10.0,), daemon=True, name="worker").start()
        uvicorn.run("zoneops.asgi:application", host=host, port=port, workers=workers,
                    log_level=os.environ.get("LOG_LEVEL", "info").lower(), lifespan="off")
