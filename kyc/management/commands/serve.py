"""`make run`'s last step: the web server and a Celery worker side by side in one terminal.

Each child runs in its own session so that Ctrl-C reaches only this supervisor, which then stops both
in order: SIGTERM (the worker's warm shutdown lets a running OCR task finish), SIGKILL after a grace
period or on a second Ctrl-C. If either child dies on its own the other is stopped too, and the exit
status is the child's, so `make run` never leaves a half-running product behind.
"""

import ctypes
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

PR_SET_PDEATHSIG = 1


def _die_with_parent():
    # Linux: the kernel sends SIGTERM to the child if this supervisor is killed outright (SIGKILL),
    # which it could not forward itself.
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class Command(BaseCommand):
    help = "Run the web server and a Celery worker (queues ocr and default, with embedded beat) together."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Web server address (default 127.0.0.1:8000).")
        parser.add_argument("--concurrency", type=int, default=2, help="Worker processes (default 2).")
        parser.add_argument("--grace", type=float, default=30.0, help="Seconds to wait for a clean stop.")

    def handle(self, *args, addr, concurrency, grace, **options):
        python = sys.executable
        commands = {
            # --noreload: the autoreloader forks a second process that would escape this supervisor.
            "web": [python, str(settings.BASE_DIR / "manage.py"), "runserver", addr, "--noreload"],
            "worker": [
                python, "-m", "celery", "--app", "kyc.celery:app", "worker",
                "--queues", "ocr,default", "--concurrency", str(concurrency), "--loglevel", "INFO",
                # Embedded beat for the periodic tasks (re-queueing uploads whose task was never sent);
                # its schedule file is CELERY_BEAT_SCHEDULE_FILENAME, with the rest of the local data.
                "--beat",
            ],
        }
        self.stopping = 0
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

        children = {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, start_new_session=True, preexec_fn=_die_with_parent)
            for name, cmd in commands.items()
        }
        pids = ", ".join(f"{name} pid {child.pid}" for name, child in children.items())
        self.stdout.write(f"Serving on http://{addr}/ with a worker beside it ({pids}); press Ctrl-C to stop both.")

        exit_code = 0
        while not self.stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} exited with status {child.returncode}; stopping the rest.")
                    exit_code = child.returncode or 1
                    self.stopping = 1
                    break
            time.sleep(0.2)

        self._signal_all(children, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while any(c.poll() is None for c in children.values()):
            if self.stopping > 1 or time.monotonic() > deadline:
                self._signal_all(children, signal.SIGKILL)
            time.sleep(0.1)
        self.stdout.write("Stopped.")
        if exit_code:
            sys.exit(exit_code)

    def _on_signal(self, signum, frame):
        self.stopping += 1
        if self.stopping == 1:
            self.stdout.write("Stopping the web server and the worker (Ctrl-C again to kill them)...")

    @staticmethod
    def _signal_all(children, sig):
        for child in children.values():
            if child.poll() is None:
                child.send_signal(sig)
