"""The load test's table, from locust's `--csv` statistics; exit 1 when the goal is missed.

    python -m loadtest.report PREFIX [--access-log FILE] [--p95-goal 300]
    python -m loadtest.report --steps PREFIX... [--p95-goal 300]   (scripts/loadtest --step)

Goal: no failed request, and the 95th percentile over all requests within the goal (ms).
Locust's percentiles are bucketed (to 10 ms above 100 ms, to 100 ms above 1 s). The access
log (gunicorn's `%(M)s`, last field) gives the time inside the worker, without the wait for a
free worker and without the load client's own delays: the difference says where time went.
"""

import argparse
import csv
import itertools
import sys


def _ms(value: str) -> str:
    return "-" if value in ("", "N/A") else f"{float(value):.0f}"


def _pct(sorted_values: list[int], percent: int) -> int:
    return sorted_values[min(len(sorted_values) - 1, len(sorted_values) * percent // 100)]


def _aggregated(prefix: str) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as stats_file:
        return next(row for row in csv.DictReader(stats_file) if row["Name"] == "Aggregated")


def _users(prefix: str) -> int:
    return int(prefix.rsplit("_", 1)[1])


def knee(steps: list[tuple[int, float, float, int]], p95_goal: float) -> int | None:
    """The last step before the server stops keeping up: the next step misses the goal (an
    error, or p95 over it) or gains less than half the throughput its extra users would bring.
    None when every step keeps up; 0 when the first step already misses the goal.
    `steps`: (users, req/s, p95 ms, errors), by users."""
    if steps and (steps[0][3] or steps[0][2] > p95_goal):
        return 0
    for (users, rate, _, _), (more, more_rate, p95, errors) in itertools.pairwise(steps):
        expected = rate * (more - users) / users
        if errors or p95 > p95_goal or more_rate - rate < expected / 2:
            return users
    return None


def steps_table(prefixes: list[str], p95_goal: float) -> bool:
    """Print users -> req/s, p50/p95/p99, errors; name the knee. True when every step met the
    goal (no error, p95 within it)."""
    rows = []
    print("| users | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for prefix in sorted(prefixes, key=_users):
        row = _aggregated(prefix)
        users, rate = _users(prefix), float(row["Requests/s"] or 0)
        p95, errors = float(row["95%"] or 0), int(row["Failure Count"])
        rows.append((users, rate, p95, errors))
        print(
            f"| {users} | {row['Request Count']} | {rate:.1f} | {_ms(row['50%'])} | "
            f"{_ms(row['95%'])} | {_ms(row['99%'])} | {errors} |"
        )
    found = knee(rows, p95_goal)
    peak = max(rows, key=lambda r: r[1])
    print(f"\nPeak {peak[1]:.1f} requests/s at {peak[0]} users.")
    if found == 0:
        print(f"Knee: below {rows[0][0]} users: the first step already misses the goal.")
    elif found is None:
        print(
            f"No knee up to {rows[-1][0]} users: every step kept up (p95 goal {p95_goal:.0f} ms)."
        )
    else:
        print(
            f"Knee: {found} users. Beyond it the throughput stops following the users "
            "or the goal is missed."
        )
    met = all(errors == 0 and p95 <= p95_goal for _, _, p95, errors in rows)
    print("Goal met at every step." if met else "GOAL MISSED at some step.")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("prefix", nargs="+", help="the --csv prefix given to locust")
    parser.add_argument("--steps", action="store_true", help="one prefix per step: PREFIX_USERS")
    parser.add_argument("--access-log", help="gunicorn access log, request time in ms last")
    parser.add_argument("--p95-goal", type=float, default=300.0)
    args = parser.parse_args()
    if args.steps:
        sys.exit(0 if steps_table(args.prefix, args.p95_goal) else 1)
    args.prefix = args.prefix[0]

    with open(f"{args.prefix}_stats.csv", newline="") as stats_file:
        rows = list(csv.DictReader(stats_file))
    endpoints = sorted(
        (row for row in rows if row["Name"] != "Aggregated"), key=lambda row: row["Name"]
    )
    total = next(row for row in rows if row["Name"] == "Aggregated")

    header = ("endpoint", "requests", "failures", "median ms", "p95 ms", "max ms")
    table = [
        (
            f"{row['Type']} {row['Name']}" if row["Type"] else row["Name"],
            row["Request Count"],
            row["Failure Count"],
            _ms(row["Median Response Time"]),
            _ms(row["95%"]),
            _ms(row["Max Response Time"]),
        )
        for row in [*endpoints, total]
    ]
    widths = [max(len(str(line[i])) for line in [header, *table]) for i in range(len(header))]

    def line(cells):
        first, *rest = cells
        return (
            "| "
            + " | ".join(
                [first.ljust(widths[0])]
                + [c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)]
            )
            + " |"
        )

    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for cells in table[:-1]:
        print(line(cells))
    print(line(("**all requests**", *table[-1][1:])))

    failures = int(total["Failure Count"])
    p95 = float(total["95%"] or 0)
    rate = float(total["Requests/s"] or 0)
    print(
        f"\nThroughput {rate:.1f} requests/s; p95 over all requests {p95:.0f} ms "
        f"(goal {args.p95_goal:.0f} ms); failures {failures} (goal 0)."
    )
    if args.access_log:
        with open(args.access_log) as log:
            times = sorted(int(line.rsplit(" ", 1)[1]) for line in log if line.strip())
        if times:
            print(
                f"Inside gunicorn ({len(times)} requests): median {_pct(times, 50)} ms, "
                f"p95 {_pct(times, 95)} ms, max {times[-1]} ms."
            )
    try:
        with open(f"{args.prefix}_failures.csv", newline="") as failures_file:
            for row in csv.DictReader(failures_file):
                print(
                    f"  failed: {row['Method']} {row['Name']}: {row['Error']} "
                    f"({row['Occurrences']}x)"
                )
    except FileNotFoundError:
        pass
    if failures or p95 > args.p95_goal:
        print("GOAL MISSED")
        sys.exit(1)
    print("Goal met.")


if __name__ == "__main__":
    main()
