"""``python -m bench.uploads``: what the worst uploads cost a worker in memory, each measured in
a fresh process (peak resident set, VmHWM) after the app is imported, so one case's memory
does not hide another's. The cases are the adversarial ones: a 12000×12000 PNG, a 1 MB .xlsx
holding one 1 GB cell, and the largest photos the desk takes (a 6000×4000 JPEG, a 4000×4000 PNG, which decodes whole)."""
import json
import subprocess
import sys

CASES = ("png_12000", "xlsx_huge_cell", "jpeg_6000x4000", "png_4000")

_CHILD = r"""
import io, json, sys
from werkzeug.datastructures import FileStorage
from app import create_app
from app.rules import RuleError
from config import TestingConfig

case, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
def high_water_kb():
    # VmHWM belongs to this process's memory alone (ru_maxrss is inherited through fork).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

app = create_app(TestingConfig)
with app.app_context():
    before = high_water_kb()
    try:
        if case == "xlsx_huge_cell":
            from app.organizations.importing import ROSTER
            from app.spreadsheets.imports import read_rows
            read_rows(ROSTER, data)
        else:
            from app.attachments.services import check_upload
            check_upload(FileStorage(io.BytesIO(data), filename="x"))
        answer = "accepted"
    except RuleError as error:
        answer = "refused: " + error.message[:40]
    after = high_water_kb()
print(json.dumps({"case": case, "bytes": len(data), "before_mb": before / 1024, "peak_mb": after / 1024,
                  "answer": answer}))
"""


def _make(case: str) -> bytes:
    """The file, built here: its making costs the measuring process nothing."""
    import io
    import zipfile

    from PIL import Image

    out = io.BytesIO()
    if case == "png_12000":
        Image.new("1", (12000, 12000)).save(out, "PNG")
    elif case == "xlsx_huge_cell":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("xl/workbook.xml", "<workbook/>")
            zf.writestr("xl/sharedStrings.xml", "<sst><si><t>" + "A" * (1024 * 1024 * 1024) + "</t></si></sst>")
    elif case == "png_4000":  # the largest PNG taken: it decodes whole
        Image.linear_gradient("L").resize((4000, 4000)).convert("RGB").save(out, "PNG")
    else:
        Image.new("RGB", (6000, 4000), "navy").save(out, "JPEG", quality=90)
    return out.getvalue()


def measure() -> list[dict]:
    import tempfile
    from pathlib import Path

    results = []
    with tempfile.TemporaryDirectory() as folder:
        for case in CASES:
            path = Path(folder) / case
            path.write_bytes(_make(case))
            out = subprocess.run([sys.executable, "-c", _CHILD, case, str(path)], capture_output=True, text=True,
                                 check=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return results


def main() -> int:
    results = measure()
    for r in results:
        print(f"upload {r['case']:16s} {r['bytes'] / 1024:9.0f} KB  worker peak {r['peak_mb']:6.0f} MB "
              f"(+{r['peak_mb'] - r['before_mb']:.0f} MB over the app at rest)  {r['answer']}")
    worst = max(results, key=lambda r: r["peak_mb"] - r["before_mb"])
    print(f"worst upload: {worst['case']}, +{worst['peak_mb'] - worst['before_mb']:.0f} MB, "
          f"peak {worst['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
