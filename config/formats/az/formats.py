"""Azerbaijani dates as official papers write them, the same as the letters: "07.12.2026, 18:03". Other formats
are Django's (comma as the decimal separator)."""

DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y, H:i"
TIME_FORMAT = "H:i"
