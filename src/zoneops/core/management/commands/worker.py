import logging
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from ...registry import WORKER_JOBS
from ...services.alerts import escalate_overdue
from ...services.notify import send_due

log = logging.getLogger("zoneops.worker")


def run_once() -> tuple[int, int, int]:
    sent, failed = send_due()
    escalated = escalate_overdue()
    now = timezone.now()
    for name, job in WORKER_JOBS.items():
        try:
            done = job(now)
        except Exception:  # one module's failure must not stop the others
            log.exception("worker job %s failed", name)
            continue
        if done:
            log.info("worker: %s did %s", name, done)
    return sent, failed, escalated


def loop(interval: float, stop: threading.Event | None = None) -> None:
    """Send due notifications and escalate overdue alerts until stopped.

    Safe to run in several processes: deliveries are claimed row by row and escalation
    re-checks each alert under a row lock."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            # A long-lived loop must drop connections the database has closed meanwhile.
            close_old_connections()
            sent, failed, escalated = run_once()
            if sent or failed or escalated:
                log.info("worker: %s sent, %s failed, %s escalated", sent, failed, escalated)
        except Exception:  # the worker must outlive a bad row or a database restart
            log.exception("worker cycle failed")
        stop.wait(interval)


class Command(BaseCommand):
    help = "Send queued e-mail and webhook notifications and escalate overdue alerts."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between runs")
        parser.add_argument("--once", action="store_true", help="run one cycle and exit")

    def handle(self, *args, interval, once, **options):
        if once:
            sent, failed, escalated = run_once()
            self.stdout.write(f"sent {sent}, failed {failed}, escalated {escalated}")
            return
        loop(interval)
