"""The office's own identity on what Körpü prints (letterhead, signatory, letter numbers) and its grading scale.
Every value can be set from the environment; the defaults name the demo university."""

from pathlib import Path

import environ

env = environ.Env()

# The institution's name in both languages of every letter, its postal address (one line; "\n" breaks it) and a
# logo (a PNG or JPEG file on the server; empty: none). The demo ships a plain logo.
KORPU_INSTITUTION_NAME_AZ = env("KORPU_INSTITUTION_NAME_AZ", default="Körpü Nümunə Universiteti")
KORPU_INSTITUTION_NAME_EN = env("KORPU_INSTITUTION_NAME_EN", default="Körpü Demo University")
KORPU_INSTITUTION_ADDRESS = env(
    "KORPU_INSTITUTION_ADDRESS", default="Universitet küçəsi 1, AZ1000 Bakı, Azərbaycan"
).replace("\\n", "\n")
KORPU_INSTITUTION_LOGO = env(
    "KORPU_INSTITUTION_LOGO",
    default=str(Path(__file__).resolve().parents[2] / "documents" / "letterhead" / "demo-logo.png"),
)
# Who signs the office's letters: name and position (the position as it should read on the letter, e.g.
# "Prorektor / Prorector for international relations").
KORPU_LETTER_SIGNATORY_NAME = env("KORPU_LETTER_SIGNATORY_NAME", default="Kamran İsmayılov")
KORPU_LETTER_SIGNATORY_POSITION = env(
    "KORPU_LETTER_SIGNATORY_POSITION",
    default="Beynəlxalq əlaqələr üzrə prorektor / Prorector for international relations",
)
# Letters are numbered <prefix>-<year>/<number>, e.g. IRO-2026/0042: one sequence per calendar year, never reused.
KORPU_LETTER_NUMBER_PREFIX = env("KORPU_LETTER_NUMBER_PREFIX", default="IRO")

# The GPA scale applications are graded on: 100 (0–100, Azerbaijan) or 4 (0–4.00). Shown next to the field and
# used to check it; a call's minimum GPA is on the same scale.
GPA_SCALE = env.int("GPA_SCALE", default=100)
if GPA_SCALE not in (4, 100):
    raise environ.ImproperlyConfigured("GPA_SCALE must be 4 or 100.")
