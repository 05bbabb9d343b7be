"""`make run`: the development web server, a real Celery worker and Celery beat (the notification outbox relay,
reminders and the daily digest; its schedule file is var/celerybeat-schedule) side by side.

All run until Ctrl-C (or SIGTERM / SIGHUP), which is passed on to each; when any one stops, the others are
stopped too and this script exits with a failure status. The broker is kombu's filesystem transport under
var/broker/ unless REDIS_URL is set (config/settings/celery.py).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
# A warm shutdown of the worker takes a few seconds (about 8 s on the filesystem broker).
STOP_GRACE_SECONDS = 20


def say(message: str) -> None:
    # The terminal (or a pipe) may be gone after Ctrl-C; stopping the children matters more than the message.
    try:
        print(f"run_dev: {message}", file=sys.stderr, flush=True)
    except OSError:
        pass


def broker_description() -> str:
    """Name the broker (config/settings/celery.py makes the filesystem broker's folders)."""
    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    broker_url = settings.CELERY_BROKER_URL
    if broker_url.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        return f"the filesystem broker in {Path(options['data_folder_in']).parent}"
    url = urlparse(broker_url)
    # Never print the password a URL may carry.
    return f"{url.scheme} at {url.hostname}:{url.port or ''}{url.path}"


def start(args: list[str]) -> subprocess.Popen:
    # Each child leads its own process group, so runserver's autoreloader child is stopped with its parent,
    # and Ctrl-C reaches the children only through this script, once.
    return subprocess.Popen(args, cwd=ROOT, start_new_session=True)


def signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def stop(processes: dict[str, subprocess.Popen]) -> None:
    say("stopping the web server, the worker and beat...")
    for name, process in processes.items():
        if process.poll() is None:
            if name == "worker":
                # Celery's main process stops its pool itself (warm shutdown: running tasks finish).
                process.send_signal(signal.SIGTERM)
            else:
                signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for process in processes.values():
        # Whatever is left in a group (pool processes of a killed worker, a reloader child) goes now.
        signal_group(process, signal.SIGKILL)
        process.wait()


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    port = os.environ.get("PORT", "8000")
    broker = broker_description()

    stop_requested = []
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: stop_requested.append(signum))

    processes: dict[str, subprocess.Popen] = {}
    status = 0
    try:
        processes["worker"] = start(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "--concurrency", "2"]
        )
        processes["beat"] = start(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info"]
            + ["--schedule", str(ROOT / "var" / "celerybeat-schedule")]
        )
        processes["web"] = start([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"])
        say(f"Körpü on http://127.0.0.1:{port}/ with a Celery worker and beat on {broker}. Ctrl-C stops them.")
        say(f"Emails are written to {ROOT / 'var' / 'mail'}/ unless DJANGO_EMAIL_BACKEND says otherwise.")
        while not stop_requested:
            stopped = [(name, p.returncode) for name, p in processes.items() if p.poll() is not None]
            if stopped:
                name, code = stopped[0]
                say(f"the {name} stopped (exit status {code}).")
                # An unexpected stop is a failure, even with status 0; a signal N becomes 128+N as in a shell.
                status = 128 - code if code < 0 else (code or 1)
                break
            time.sleep(0.5)
    finally:
        stop(processes)
    return status


if __name__ == "__main__":
    sys.exit(main())
