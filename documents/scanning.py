"""The virus-scan hook: a small ClamAV `clamd` client speaking the INSTREAM protocol over TCP when
CLAMAV_HOST is set; without it every document is marked "not scanned", visibly.

INSTREAM: send `zINSTREAM\\0`, then the file as chunks each prefixed by its length (4 bytes, network
order), then a zero length; clamd answers `stream: OK`, `stream: <signature> FOUND` or `... ERROR`."""

from __future__ import annotations

import socket
import struct

from django.conf import settings

from documents.models import SCAN_CLEAN, SCAN_INFECTED_PREFIX, SCAN_NOT_SCANNED

CHUNK_SIZE = 64 * 1024
MAX_REPLY = 4096


class ScanUnavailable(Exception):
    """clamd could not be reached or hung up: worth retrying later."""


class ScanFailed(Exception):
    """clamd answered with an error about this file (e.g. larger than its StreamMaxLength): retrying will not help."""


def scanner_configured() -> bool:
    return bool(getattr(settings, "CLAMAV_HOST", ""))


def scan_stream(file) -> str:
    """Scan a readable file object from its start; returns "clean", "not scanned" or "infected: <signature>"."""
    if not scanner_configured():
        return SCAN_NOT_SCANNED
    address = (settings.CLAMAV_HOST, int(getattr(settings, "CLAMAV_PORT", 3310)))
    timeout = float(getattr(settings, "CLAMAV_TIMEOUT", 60))
    file.seek(0)
    try:
        with socket.create_connection(address, timeout=timeout) as sock:
            try:
                sock.sendall(b"zINSTREAM\0")
                while chunk := file.read(CHUNK_SIZE):
                    sock.sendall(struct.pack("!I", len(chunk)) + chunk)
                sock.sendall(struct.pack("!I", 0))
            except OSError:
                # clamd hangs up early when the stream passes its StreamMaxLength, after saying so;
                # read that answer (an outage shows up below as no answer at all).
                pass
            reply = _read_reply(sock)
    except OSError as exc:
        raise ScanUnavailable(f"clamd at {address[0]}:{address[1]}: {exc}") from exc
    finally:
        file.seek(0)
    return parse_reply(reply)


def _read_reply(sock: socket.socket) -> str:
    data = b""
    while b"\0" not in data and len(data) < MAX_REPLY:
        part = sock.recv(1024)
        if not part:
            break
        data += part
    if not data:
        raise ScanUnavailable("clamd closed the connection without an answer")
    return data.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def parse_reply(reply: str) -> str:
    # "stream: OK" | "stream: Win.Test.EICAR_HDB-1 FOUND" | "INSTREAM size limit exceeded. ERROR"
    body = reply.split(":", 1)[1].strip() if reply.startswith("stream:") else reply
    if body == "OK":
        return SCAN_CLEAN
    if body.endswith(" FOUND"):
        return SCAN_INFECTED_PREFIX + body[: -len(" FOUND")].strip()
    raise ScanFailed(reply)
