"""bench_pages names each of issue 16's targets as met or missed, from its own figures."""

from benchmarks.pages import targets


def _rows(*, submit_ms, pdf_ms, page_ms):
    # (name, median ms, CPU ms, queries counted with BEGIN and COMMIT)
    return [
        ("bare PK select of a client", 1.0, 0.8, 1),
        ("client's page (therapist)", page_ms, page_ms, 8),
        ("screening page", page_ms, page_ms, 9),
        ("summary PDF, cached (auth, audit event)", pdf_ms, pdf_ms, 6),
        ("bare validate + save of an intake", 4.0, 3.0, 6),
        ("submit and screen", submit_ms, submit_ms, 10),
    ]


def test_each_target_is_met_or_missed_by_its_figure():
    lines = targets(_rows(submit_ms=12.0, pdf_ms=9.0, page_ms=3.0))
    assert "target met: submit 3.00x bare validate + save (at most 3x)" in lines
    assert "target met: submit 8 statements besides BEGIN and COMMIT (at most 8)" in lines
    assert "target MISSED: cached PDF 9.00 ms (at most 8 ms)" in lines
    assert any(line.startswith("target met: client's page") and "0.333x" in line for line in lines)
    assert "target MISSED: screening page: 7 queries besides BEGIN and COMMIT (at most 6)" in lines
    assert len(lines) == 7


def test_a_slow_submit_is_missed():
    lines = targets(_rows(submit_ms=12.1, pdf_ms=5.0, page_ms=30.0))
    assert lines[0].startswith("target MISSED: submit 3.02x")
    assert "target met: cached PDF 5.00 ms (at most 8 ms)" in lines
