"""Benchmark of QuestionnaireResponse/$screen against the engine and JSON parsing alone.

Intakes come from benchmarks.engine's generator (fixed seed). For each, as a request body:
 - parse:  json.loads of the QuestionnaireResponse;
 - engine: what a stored screening costs (review.screening.evaluate_stored_answers: validate the
   answers, screen, the required-question check) on the raw answers;
 - $screen: parse, check the shape, read the answers out of the items, the same evaluation, the
   DetectedIssue Bundle and its JSON text (interop.api.fhir_json): everything the view does
   but the token lookup and the audit event (two queries, measured with the API in
   docs/PERFORMANCE.md).
Budget: $screen at most 2 × (engine + parse).
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import time

from contraindications.engine import validate_answers
from interop import mapping
from interop.api import fhir_json
from interop.screening import screen_against, screening_bundle
from review.screening import evaluate_stored_answers
from rules.selectors import compiled

from .engine import random_raw_answers


def _per_item(fn, items) -> float:
    gc.collect()
    start = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - start) / len(items)


def run(*, version, n: int = 500, seed: int = 2026, repeats: int = 9, write=print) -> dict:
    catalogue = compiled(version)[0]
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    raws = [random_raw_answers(catalogue, rng) for _ in range(n)]
    bodies = []
    for i, raw in enumerate(raws):
        answers = validate_answers(catalogue, raw, complete=False).to_json()
        response = mapping.questionnaire_response(
            catalogue=catalogue,
            answers=answers,
            id=f"bench-{i}",
            patient_id="p",
            authored="2026-12-01",
        )
        bodies.append(json.dumps(response))
    parsed = [json.loads(b) for b in bodies]
    inputs = [mapping.answers_from_response(catalogue, p)[0] for p in parsed]

    def screen_body(body: str) -> bytes:
        response = json.loads(body)
        return fhir_json(screening_bundle(screen_against(version, response), response, "/fhir/r4/"))

    # The three are timed one after the other in each round, so a machine busy with other
    # work slows all of them alike; the ratio is the median over the rounds.
    rounds = []
    for _ in range(repeats):
        rounds.append(
            (
                _per_item(json.loads, bodies),
                _per_item(lambda raw: evaluate_stored_answers(version, raw, ()), inputs),
                _per_item(screen_body, bodies),
            )
        )
    parse, engine, full = (min(r[i] for r in rounds) for i in range(3))
    ratio = statistics.median(r[2] / (r[0] + r[1]) for r in rounds)
    budget = 2 * (engine + parse)
    size = sum(map(len, bodies)) / len(bodies)
    rows = [
        ("intakes", f"{n}"),
        ("mean request body", f"{size / 1024:.1f} KiB"),
        ("json.loads of the body", f"{parse * 1e6:.0f} µs"),
        ("engine (validate + screen + required check)", f"{engine * 1e6:.0f} µs"),
        ("**$screen, body in to Bundle out**", f"**{full * 1e6:.0f} µs**"),
        ("budget: 2 × (engine + parse)", f"{budget * 1e6:.0f} µs"),
        ("**ratio $screen / (engine + parse), best times**", f"**{full / (engine + parse):.2f}**"),
        ("ratio, median of the rounds", f"{ratio:.2f}"),
    ]
    write("| figure | value |")
    write("| --- | --- |")
    for name, value in rows:
        write(f"| {name} | {value} |")
    return {"parse": parse, "engine": engine, "screen": full, "ratio": ratio}
