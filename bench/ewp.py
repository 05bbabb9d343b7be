"""EWP throughput: serialise N Erasmus+ agreements to IIAs v7 get responses, validate each against the vendored
get-response.xsd and compute its official iia-hash (the XSLT 2.0 stylesheet run by SaxonC), one agreement at a
time as the get endpoint does; prints agreements per second, overall and per phase. No database: the terms are
generated (seeded, as clean_terms accepts them) and built the way agreements.ewp.selectors.iia_source reads them.
Not a test.

    .venv/bin/python bench/ewp.py [--count 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

CATEGORIES = ("student_studies", "student_traineeship", "staff_teaching", "staff_training")


def generated_terms(rng: random.Random) -> dict:
    from agreements.terms import clean_terms

    conditions = []
    for direction in ("outgoing", "incoming"):
        for category in rng.sample(CATEGORIES, rng.randint(1, 4)):
            first = rng.randint(2024, 2030)
            last = first + rng.randint(0, 6)
            students = category.startswith("student_")
            conditions.append(
                {
                    "direction": direction,
                    "category": category,
                    "first_academic_year": f"{first}/{(first + 1) % 100:02d}",
                    "last_academic_year": f"{last}/{(last + 1) % 100:02d}",
                    "mobilities_per_year": rng.randint(1, 20),
                    "total_months_per_year": str(rng.randint(5, 100)) if students else None,
                    "total_days_per_year": None if students else rng.randint(5, 60),
                    "subject_areas": [f"{rng.randint(0, 9999):04d}" for _ in range(rng.randint(0, 3))],
                    "eqf_levels": rng.sample([5, 6, 7, 8], rng.randint(0, 3)) if students else [],
                    "languages": [{"language": rng.choice(["en", "de", "fr"]), "cefr": rng.choice(["B1", "B2", "C1"])}],
                }
            )
    return clean_terms(
        {
            "title": "Bench",
            "type": "erasmus_iia",
            "partner": 1,
            "start_date": date(2026, 9, 1),
            "end_date": date(2031, 8, 31),
            "conditions": conditions,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="agreements to serialise (default 10000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from agreements.ewp.build import Contact, IiaSource, Side, iia_element, our_iia_id
    from agreements.ewp.hashing import iia_hashes
    from agreements.ewp.xml import NS_IIAS, schema, to_bytes

    rng = random.Random(args.seed)
    sources = []
    for n in range(args.count):
        sources.append(
            IiaSource(
                us=Side(
                    hei_id="korpu.example.edu",
                    ounit_id="140",
                    iia_id=our_iia_id(n + 1),
                    iia_code=f"NDU-IIA-{n + 1}",
                    signing_contact=Contact(name="Kamran İsmayılov", role="Prorector"),
                    signing_date=date(2026, 7, 1),
                ),
                partner=Side(hei_id=f"partner{n % 500}.example.edu", iia_id=str(100000 + n)),
                in_effect=bool(n % 2),
                terminated=n % 50 == 0,
                conditions=generated_terms(rng)["conditions"],
            )
        )
    xsd = schema("get")  # loaded once, before timing
    iia_hashes(iia_element(sources[0]).getparent())  # the stylesheet compiled once, before timing

    times = {"serialise": 0.0, "validate": 0.0, "hash": 0.0}
    invalid = 0
    started = time.perf_counter()
    for source in sources:
        t0 = time.perf_counter()
        iia = iia_element(source)
        root = iia.getparent()
        t1 = time.perf_counter()
        computed = iia_hashes(root)[0]
        t2 = time.perf_counter()
        iia.find(f"{{{NS_IIAS}}}iia-hash").text = computed.iia_hash
        data = to_bytes(root)
        t3 = time.perf_counter()
        if not xsd.validate(root):
            invalid += 1
        t4 = time.perf_counter()
        times["serialise"] += (t1 - t0) + (t3 - t2)
        times["hash"] += t2 - t1
        times["validate"] += t4 - t3
        assert data
    total = time.perf_counter() - started
    rate = args.count / total
    print(f"{args.count} agreements in {total:.2f} s: {rate:,.0f} agreements/s (serialise + validate + hash)")
    for phase, seconds in times.items():
        print(f"  {phase:9s} {seconds:7.2f} s  ({args.count / seconds:,.0f}/s)" if seconds else f"  {phase}: 0")
    print(f"  invalid: {invalid}")
    if invalid:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
