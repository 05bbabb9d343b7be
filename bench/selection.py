"""The competitive selection's ranking and allocation at the size of a large call: 20,000 applicants with three
ranked choices each among 300 partners offering 2,000 places (seeded). Prints the time and the peak memory of
ranking + allocation (selection.allocation.allocate) and of the result document built from it
(selection.results.build_result, with its canonical JSON and SHA-256). No database. Not a test (a tiny run is:
tests/selection/test_allocation.py). Goal on a 2-core machine: under 2 s and 200 MB.

    .venv/bin/python bench/selection.py [--applicants 20000] [--partners 300] [--places 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import tracemalloc
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def generated_call(*, applicants: int, partners: int, places: int, seed: int):
    from selection.allocation import Candidate

    rng = random.Random(seed)
    partner_ids = list(range(1, partners + 1))
    # every partner offers at least one place; the rest are spread at random
    capacity = dict.fromkeys(partner_ids, 1)
    for _ in range(max(places - partners, 0)):
        capacity[rng.choice(partner_ids)] += 1
    # popular partners: choices follow a skewed distribution, as real calls do
    weights = [1 / (rank**0.8) for rank in range(1, partners + 1)]
    start = datetime(2026, 2, 1, 9, 0)
    candidates = []
    for number in range(1, applicants + 1):
        choices: list[int] = []
        while len(choices) < min(3, partners):
            pick = rng.choices(partner_ids, weights)[0]
            if pick not in choices:
                choices.append(pick)
        candidates.append(
            Candidate(
                id=number,
                score=Decimal(rng.randint(0, 10000)) / 100,
                preferences=tuple(choices),
                gpa=Decimal(rng.randint(6000, 10000)) / 100,
                submitted_at=start + timedelta(seconds=rng.randint(0, 30 * 86400)),
                bonus=rng.random() < 0.15,
            )
        )
    return candidates, capacity


def run(*, applicants: int, partners: int, places: int, seed: int) -> dict:
    import django

    django.setup()
    from selection.allocation import allocate
    from selection.results import build_result, result_sha256

    candidates, capacity = generated_call(applicants=applicants, partners=partners, places=places, seed=seed)

    def ranked_allocated_published():
        allocation = allocate(candidates, capacity)
        allocated = time.perf_counter()
        result = build_result(
            call_id=1,
            allocation=allocation,
            rules={"tie_break": "bonus_gpa_submitted"},
            applicants={c.id: {"applicant": f"Applicant {c.id}"} for c in candidates},
            places={p: {"partner": f"Partner {p}", "capacity": n} for p, n in capacity.items()},
        )
        return allocation, allocated, result_sha256(result)

    # the time, untraced; then the peak memory, traced (tracing slows Python down several times)
    started = time.perf_counter()
    allocation, allocated, digest = ranked_allocated_published()
    finished = time.perf_counter()
    tracemalloc.start()
    ranked_allocated_published()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "applicants": applicants,
        "partners": partners,
        "places": sum(capacity.values()),
        "selected": sum(len(h) for h in allocation.holders.values()),
        "allocate_seconds": allocated - started,
        "total_seconds": finished - started,
        "peak_mb": peak / 2**20,
        "sha256": digest,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=20_000)
    parser.add_argument("--partners", type=int, default=300)
    parser.add_argument("--places", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    figures = run(applicants=args.applicants, partners=args.partners, places=args.places, seed=args.seed)
    print(
        f"{figures['applicants']} applicants, {figures['partners']} partners, {figures['places']} places: "
        f"{figures['selected']} selected"
    )
    print(f"rank + allocate: {figures['allocate_seconds']:.3f} s")
    print(f"with the result document and its SHA-256: {figures['total_seconds']:.3f} s")
    print(f"peak memory (traced): {figures['peak_mb']:.1f} MB")
    print(f"result sha256: {figures['sha256']}")


if __name__ == "__main__":
    main()
