"""Azerbaijani and English ship together: every message has an Azerbaijani translation, and pages
follow the language switcher and the user's preferred language."""

from pathlib import Path

import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "az" / "LC_MESSAGES" / "django.po"


def _entries(po_text: str):
    """(msgid, msgstr, fuzzy) for every entry of a .po file, plural forms folded into msgstr."""
    for block in po_text.split("\n\n"):
        lines = [ln for ln in block.strip().splitlines() if ln and not ln.startswith("#~")]
        fuzzy = any(ln.startswith("#,") and "fuzzy" in ln for ln in lines)
        current, parts = None, {"msgid": "", "msgstr": ""}
        for ln in lines:
            if ln.startswith("#"):
                continue
            if ln.startswith("msgid_plural"):
                current = None
            elif ln.startswith("msgid "):
                current, parts["msgid"] = "msgid", ln[6:].strip('"')
            elif ln.startswith("msgstr"):
                current = "msgstr"
                parts["msgstr"] += ln.split(" ", 1)[1].strip('"')
            elif ln.startswith('"') and current:
                parts[current] += ln.strip('"')
        if parts["msgid"]:
            yield parts["msgid"], parts["msgstr"], fuzzy


def test_every_message_has_an_azerbaijani_translation():
    entries = list(_entries(PO.read_text(encoding="utf-8")))
    assert len(entries) > 100
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []
    assert (PO.with_suffix(".mo")).stat().st_mtime >= PO.stat().st_mtime - 1, "run `make messages` to compile"


@pytest.mark.django_db
def test_pages_follow_the_language_switcher_and_preferred_language(client, world):
    client.force_login(world.coordinator_ce)
    assert "Inbox" in client.get("/tasks/").content.decode()
    client.post("/i18n/setlang/", {"language": "az", "next": "/tasks/"})
    assert "Gələn tapşırıqlar" in client.get("/tasks/").content.decode()

    world.student1.preferred_language = "az"
    world.student1.save(update_fields=["preferred_language"])
    other = client.__class__()
    other.force_login(world.student1)
    assert "Müraciətlərim" in other.get("/applications/").content.decode()
