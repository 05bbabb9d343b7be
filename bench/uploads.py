"""Upload memory and throughput: a real gunicorn server (one sync worker) on a loopback port receives 10 MB and
50 MB documents over HTTP from a logged-in student, with the size limit raised. Prints the worker process's
peak-RSS growth per upload and the throughput; memory must not grow with the file's size. Not a test.

    .venv/bin/python bench/uploads.py [--sizes 10,50] [--limit-mb 64] [--refused-mb 80]

Uses (and recreates) the database korpu_bench_uploads on DATABASE_URL's server (default 127.0.0.1:5432), a
temporary media root, and Redis database 14 for the processing tasks it queues (deleted at the end).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/korpu_bench_uploads")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_pdf(path: Path, size: int) -> None:
    """A PDF of exactly `size` bytes, written in 1 MB pieces."""
    head, tail = b"%PDF-1.4\n%", b"\n%%EOF\n"
    with path.open("wb") as out:
        out.write(head)
        left = size - len(head) - len(tail)
        block = b"0123456789abcdef" * (MB // 16)
        while left > 0:
            out.write(block[: min(left, len(block))])
            left -= min(left, len(block))
        out.write(tail)


class MultipartFile:
    """A multipart/form-data body streamed from disk with a known length (Django needs Content-Length)."""

    def __init__(self, fields: dict[str, str], name: str, path: Path):
        self.boundary = uuid.uuid4().hex
        parts = b"".join(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        )
        self.head = (
            parts
            + (
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
        )
        self.tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.path = path
        self.length = len(self.head) + path.stat().st_size + len(self.tail)

    def __len__(self) -> int:
        return self.length

    def __iter__(self):
        yield self.head
        with self.path.open("rb") as f:
            while chunk := f.read(256 * 1024):
                yield chunk
        yield self.tail

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"


def proc_status(pid: int, key: str) -> int:
    """A /proc/<pid>/status figure in bytes (VmRSS, VmHWM)."""
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{key}:\s+(\d+) kB", text, re.M).group(1)) * 1024


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs); False where not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,50", help="upload sizes in MB")
    parser.add_argument("--limit-mb", type=int, default=64, help="DOCUMENT_MAX_SIZE for the run")
    parser.add_argument("--refused-mb", type=int, default=80, help="also send a file over the limit (0: skip)")
    args = parser.parse_args()

    import psutil
    import psycopg
    import redis
    import requests

    url = os.environ["DATABASE_URL"]
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        conn.execute(f'CREATE DATABASE "{dbname}"')

    workdir = Path(tempfile.mkdtemp(prefix="korpu-bench-uploads-"))
    media, files, tmp = workdir / "media", workdir / "files", workdir / "tmp"
    for folder in (media, files, tmp):
        folder.mkdir()
    os.environ["DJANGO_MEDIA_ROOT"] = str(media)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.roles import setup_roles
    from documents.models import Document
    from tests.support.factories import CallFactory, CallPlaceFactory, DepartmentFactory, PartnerFactory, UserFactory

    setup_roles()
    student = UserFactory(username="student1", roles=["student"], departments=[DepartmentFactory(code="ce")])
    call = CallFactory(required_documents=[])
    place = CallPlaceFactory(call=call, partner=PartnerFactory(), places=5)

    port = free_port()
    env = {
        **os.environ,
        "DOCUMENT_MAX_SIZE": str(args.limit_mb * MB),
        "TMPDIR": str(tmp),  # where Django's upload handler streams the request's file
        "PYTHONUNBUFFERED": "1",
    }
    log = (workdir / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        + ["--timeout", "300", "--access-logfile", "-"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        session = requests.Session()
        deadline = time.monotonic() + 30
        while True:
            try:
                page = session.get(f"{base}/accounts/login/", timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")
                time.sleep(0.2)
        if page.status_code != 200:
            raise SystemExit(f"the login page answered {page.status_code}; see {workdir / 'gunicorn.log'}")
        worker_pid = psutil.Process(server.pid).children()[0].pid
        csrf = session.cookies["csrftoken"]
        login = session.post(
            f"{base}/accounts/login/",
            data={"username": student.username, "password": "demo", "csrfmiddlewaretoken": csrf},
            headers={"Referer": f"{base}/accounts/login/"},
            allow_redirects=False,
        )
        assert login.status_code == 302, login.text[:500]
        csrf = session.cookies["csrftoken"]
        draft = session.post(
            f"{base}/applications/new/{call.pk}/",
            data={
                "motivation": "Benchmark",
                "gpa": "85",
                "year_of_study": "3",
                "language": "English",
                "language_level": "B2",
                "period_start": "2027-02-01",
                "period_end": "2027-06-30",
                "choice_1": str(place.partner_id),
                "csrfmiddlewaretoken": csrf,
            },
            headers={"Referer": base},
            allow_redirects=False,
        )
        assert draft.status_code == 302, draft.text[:2000]
        upload_url = f"{base}{draft.headers['Location'].rstrip('/')}/documents/"

        def send(size_mb: float, label: str) -> tuple[int, float, int, int]:
            path = files / f"{label}.pdf"
            make_pdf(path, int(size_mb * MB))
            body = MultipartFile({"csrfmiddlewaretoken": csrf, "kind": "other"}, label + ".pdf", path)
            reset_peak(worker_pid)
            rss_before = proc_status(worker_pid, "VmRSS")
            started = time.perf_counter()
            response = session.post(
                upload_url,
                data=body,  # len() gives requests the Content-Length; iterating it streams the file from disk
                headers={"Content-Type": body.content_type, "Referer": base},
                allow_redirects=False,
                timeout=300,
            )
            elapsed = time.perf_counter() - started
            peak = proc_status(worker_pid, "VmHWM")
            path.unlink()
            return response.status_code, elapsed, rss_before, peak - rss_before

        # Warm up (imports, template caches, first DB connection) so the figures are the upload's alone.
        status = send(1, "warm-up")[0]
        if status != 302:
            raise SystemExit(f"the warm-up upload answered {status}; see {workdir / 'gunicorn.log'}")
        can_reset = reset_peak(worker_pid)
        print(f"gunicorn worker pid {worker_pid}; DOCUMENT_MAX_SIZE {args.limit_mb} MB; peak reset: {can_reset}")
        print(f"{'upload':>10} {'status':>7} {'seconds':>8} {'MB/s':>7} {'RSS before':>11} {'peak growth':>12}")
        rows = [(float(s), f"upload-{s}mb") for s in args.sizes.split(",")]
        if args.refused_mb:
            rows.append((float(args.refused_mb), f"refused-{args.refused_mb}mb"))
        for size_mb, label in rows:
            status, elapsed, before, growth = send(size_mb, label)
            print(
                f"{size_mb:>7.0f} MB {status:>7} {elapsed:>8.2f} {size_mb / elapsed:>7.1f} "
                f"{before / MB:>8.1f} MB {growth / MB:>9.2f} MB"
            )
        stored = list(Document.objects.order_by("pk").values_list("size", flat=True))
        print("stored sizes (MB):", ", ".join(f"{s / MB:.0f}" for s in stored))
        leftovers = list(tmp.iterdir())
        print(f"temporary upload files left behind: {len(leftovers)}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        client.delete("celery")
        print(f"server log and files: {workdir}")


if __name__ == "__main__":
    main()
