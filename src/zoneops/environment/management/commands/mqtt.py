import logging
import os

from django.core.management.base import BaseCommand

from ...mqtt_ingest import TOPIC_FILTER, run


class Command(BaseCommand):
    help = f"Ingest readings from MQTT ({TOPIC_FILTER}, JSON; see docs/user-guide/environment.md)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("MQTT_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MQTT_PORT", "1883")))
        parser.add_argument("--client-id", default="zoneops-ingest")

    def handle(self, *args, host, port, client_id, **options):
        logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper(),
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        run(host, port, client_id=client_id)
