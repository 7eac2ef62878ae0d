"""The load test's table, from locust's `--csv` statistics; exit 1 when the goal is missed.

    python -m loadtest.report PREFIX [--access-log FILE] [--p95-goal 300]

Goal: no failed request, and the 95th percentile over all requests within the goal (ms).
Locust's percentiles are bucketed (to 10 ms above 100 ms, to 100 ms above 1 s). The access
log (gunicorn's `%(M)s`, last field) gives the time inside the worker, without the wait for a
free worker and without the load client's own delays: the difference says where time went.
"""

import argparse
import csv
import sys


def _ms(value: str) -> str:
    return "-" if value in ("", "N/A") else f"{float(value):.0f}"


def _pct(sorted_values: list[int], percent: int) -> int:
    return sorted_values[min(len(sorted_values) - 1, len(sorted_values) * percent // 100)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("prefix", help="the --csv prefix given to locust")
    parser.add_argument("--access-log", help="gunicorn access log, request time in ms last")
    parser.add_argument("--p95-goal", type=float, default=300.0)
    args = parser.parse_args()

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
