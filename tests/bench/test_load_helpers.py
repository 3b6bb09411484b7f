"""The load test's own arithmetic and form reading (bench/load.py, bench/forms.py)."""
from bench.forms import form_values
from bench.load import percentile


def test_percentile_is_nearest_rank():
    samples = list(range(1, 101))
    assert percentile(samples, 0.95) == 95 and percentile(samples, 0.5) == 50
    assert percentile([7.0], 0.95) == 7.0 and percentile([], 0.95) == 0.0


def test_form_values_reads_what_a_browser_would_post():
    html = """<form action="/other"><input name="x" value="no"></form>
    <form method="post" action="/inspections/3"><input type="hidden" name="csrf_token" value="t">
    <input type="radio" name="result_1" value="pass" checked><input type="radio" name="result_1" value="fail">
    <input type="checkbox" name="confirm" value="y"><select name="kind"><option value="a">A</option>
    <option value="b" selected>B</option></select><textarea name="note_1">
已挂牌</textarea><input type="file" name="evidence_1"></form>"""
    assert form_values(html, "/inspections/3") == {"csrf_token": "t", "result_1": "pass", "kind": "b", "note_1": "已挂牌"}
