"""The load test's step table and its knee (loadtest/report.py): the last user count the server
keeps up with."""

import csv

from loadtest.report import knee, steps_table

GOAL = 300.0


def test_the_knee_is_where_throughput_stops_following_the_users():
    steps = [(50, 60.0, 80, 0), (100, 118.0, 95, 0), (150, 130.0, 240, 0), (200, 131.0, 900, 0)]
    assert knee(steps, GOAL) == 100


def test_errors_or_a_missed_p95_end_the_climb():
    assert knee([(50, 60.0, 80, 0), (100, 120.0, 90, 3)], GOAL) == 50
    assert knee([(50, 60.0, 80, 0), (100, 120.0, 301, 0)], GOAL) == 50


def test_no_knee_while_every_step_keeps_up_and_zero_when_the_first_misses():
    assert knee([(50, 60.0, 80, 0), (100, 119.0, 90, 0)], GOAL) is None
    assert knee([(50, 60.0, 400, 0), (100, 119.0, 90, 0)], GOAL) == 0


def _stats(path, users, rate, p95, errors):
    with open(f"{path}_{users}_stats.csv", "w", newline="") as f:
        writer = csv.DictWriter(
            f, ["Type", "Name", "Request Count", "Failure Count", "Requests/s", "50%", "95%", "99%"]
        )
        writer.writeheader()
        writer.writerow({"Type": "", "Name": "Aggregated", "Request Count": int(rate * 30),
                         "Failure Count": errors, "Requests/s": rate, "50%": 20, "95%": p95,
                         "99%": p95 * 2})  # fmt: skip


def test_the_table_names_the_knee(tmp_path, capsys):
    prefix = str(tmp_path / "step")
    for users, rate, p95 in [(50, 60.0, 80), (100, 118.0, 95), (200, 125.0, 250)]:
        _stats(prefix, users, rate, p95, 0)
    met = steps_table([f"{prefix}_{u}" for u in (200, 50, 100)], GOAL)
    out = capsys.readouterr().out
    assert met is True
    assert out.index("| 50 |") < out.index("| 100 |") < out.index("| 200 |")
    assert "Peak 125.0 requests/s at 200 users." in out
    assert "Knee: 100 users." in out
