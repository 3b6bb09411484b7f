"""Standards as versioned data: publishing a new version of a checklist."""
from app.extensions import db
from app.rules import RuleError
from app.standards.models import Standard, StandardItem, StandardVersion


def publish_version(standard: Standard, *, note: str, items: list[dict], published_by: str) -> StandardVersion:
    """Publish a new version of ``standard``; earlier versions (and inspections made with them) stay as they were.

    ``items`` are dicts with code, title, criterion, evidence_hint, required; rows without
    a title are dropped. Raises RuleError when what is left cannot form a checklist.
    """
    rows = [row for row in items if (row.get("title") or "").strip()]
    if not rows:
        raise RuleError("至少保留一个检查项目。")
    missing = [row["title"] for row in rows if not (row.get("criterion") or "").strip()]
    if missing:
        raise RuleError("请填写以下项目的检查标准：" + "、".join(missing) + "。")
    codes = [(row.get("code") or "").strip() or str(i) for i, row in enumerate(rows, start=1)]
    if len(set(codes)) != len(codes):
        raise RuleError("项目编号不能重复。")
    number = max((v.number for v in standard.versions), default=0) + 1
    version = StandardVersion(standard=standard, number=number, note=note.strip(), published_by=published_by)
    version.items = [
        StandardItem(
            position=position, code=code, title=row["title"].strip(), criterion=row["criterion"].strip(),
            evidence_hint=(row.get("evidence_hint") or "").strip(), required=bool(row.get("required")),
        )
        for position, (code, row) in enumerate(zip(codes, rows, strict=True), start=1)
    ]
    db.session.add(version)
    db.session.flush()
    db.session.expire(standard, ["versions"])
    return version

