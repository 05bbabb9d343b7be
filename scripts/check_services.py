"""Fail fast, naming the command that starts them, when the test suite's PostgreSQL or Redis is not reachable."""

import os
import socket
import sys
from urllib.parse import urlparse

START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
}


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def main() -> int:
    db = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/korpu"))
    redis = urlparse(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"))
    missing = []
    for name, host, port in (
        ("PostgreSQL", db.hostname or "127.0.0.1", db.port or 5432),
        ("Redis", redis.hostname or "127.0.0.1", redis.port or 6379),
    ):
        if not reachable(host, port):
            missing.append(name)
            print(
                f"make test: {name} is not reachable on {host}:{port}. Start it with:\n    {START[name]}",
                file=sys.stderr,
            )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
