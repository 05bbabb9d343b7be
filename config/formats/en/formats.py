"""English dates as the office writes them, in pages, emails and letters alike: "7 December 2026, 18:03" (Django's
own "Dec. 7, 2026, 6:03 p.m." ends a sentence in "p.m.."). Other formats are Django's."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
