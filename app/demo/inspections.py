"""Demo inspections: finalized acceptance checks (passed and failed), self-checks waiting for the
county, drafts, rectifications open, overdue, submitted and closed, evidence photos, and the
year's activities attached to the 有活动 items that passed."""
import io
import random
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from werkzeug.datastructures import FileStorage

from app.activities.evidence import activities_for_evidence, attach_activity, takes_activities
from app.attachments.services import save_upload
from app.auth.models import User
from app.organizations.models import Organization, OrgKind, OrgLevel
from app.standards import inspections, rectifications
from app.standards.models import InspectionKind, ItemResult

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NOTES_PASS = {
    "有场地": "办公场所挂牌，镇文化广场可开展活动。",
    "有经费": "工作经费列入镇财政预算，账目清楚。",
    "有人员": "设专职干事 1 名、兼职 3 名，组织机构健全。",
    "有活动": "年初有计划，全年开展活动 6 次，有记录和照片。",
}
NOTES_FAIL = {
    "有场地": "无固定办公场所，未挂牌。",
    "有经费": "未列入财政预算，经费无保障。",
    "有人员": "联络员空缺，组织机构名单未更新。",
    "有活动": "全年仅开展活动 2 次，缺少活动记录。",
}


def demo_photo(caption: str, seed: int) -> FileStorage:
    """A stand-in site photo (sky, ground, a banner with the caption) as a phone would upload it."""
    rng = random.Random(seed)
    img = Image.new("RGB", (2400, 1800), (135, 180, 230))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 1100, 2400, 1800), fill=(90 + rng.randrange(40), 140, 80))
    draw.rectangle((500, 500, 1900, 1100), fill=(230, 225, 215), outline=(120, 110, 100), width=12)
    draw.rectangle((620, 560, 1780, 700), fill=(180, 30, 40))
    if CJK_FONT.exists():
        draw.text((660, 575), caption, font=ImageFont.truetype(str(CJK_FONT), 96), fill="white")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    out.seek(0)
    return FileStorage(out, filename=f"IMG_{20260000 + seed}.jpg", content_type="image/jpeg")


def _run(org, kind, actor, signer, inspected_on, failed=(), finalize=True, submit=False, photos=0):
    inspection = inspections.start_inspection(org, kind, user=actor, inspected_on=inspected_on,
                                           inspectors="李建国、张伟" if kind != InspectionKind.SELF_CHECK else "王晓燕")
    inspections.record_results(inspection, actor, {
        r.id: (ItemResult.FAIL if r.item.title in failed else ItemResult.PASS,
               (NOTES_FAIL if r.item.title in failed else NOTES_PASS).get(r.item.title, "符合要求。"))
        for r in inspection.results
    })
    for r in inspection.results:  # what the organisation held, as the 有活动 it passed
        if takes_activities(r.item) and r.result == ItemResult.PASS:
            for activity in activities_for_evidence(inspection)[-3:]:
                attach_activity(r, activity, actor)
    saved = 0
    for r in inspection.results[:photos]:
        save_upload(demo_photo(f"{org.name[:8]} {r.item.title}", seed=inspection.id * 10 + r.position),
                    owner=r, region_id=org.region_id)
        saved += 1
    if submit or (finalize and kind == InspectionKind.SELF_CHECK):
        inspections.submit(inspection, actor)
    if finalize:
        inspections.finalize(inspection, signer, signed_by=signer.display_name, signed_on=inspected_on + timedelta(days=1))
    return inspection, saved


def load_inspections(organizations: list[Organization], users: dict[str, User]) -> tuple[int, int, int]:
    rng = random.Random(7)
    supervisor, clerk, admin = users["supervisor"], users["clerk"], users["admin"]
    townships = [o for o in organizations if o.kind == OrgKind.FEDERATION and o.level == OrgLevel.TOWNSHIP]
    yangcheng = [o for o in townships if o.region.code.startswith("140522")]
    zezhou = [o for o in townships if o.region.code.startswith("140525")]
    made, photos, findings = [], 0, []

    # 阳城县: acceptance checks through the year, four of them with findings.
    failures = {0: ("有经费", "有活动"), 3: ("有活动",), 5: ("有场地", "有人员"), 8: ("有经费",)}
    for index, org in enumerate(yangcheng[:11]):
        inspection, saved = _run(org, InspectionKind.ACCEPTANCE, supervisor, supervisor,
                                 date(2026, 4, 8) + timedelta(days=14 * index), failed=failures.get(index, ()),
                                 photos=2 if index in (0, 5) else 0)
        made.append(inspection)
        findings += inspection.rectifications
        photos += saved
    # Their rectifications in every state: closed, not yet due, waiting for verification, overdue.
    closed, not_due, reported = findings[:3]
    rectifications.submit_rectification(closed, clerk, "已将体育总会工作经费纳入 2026 年镇财政预算，附预算批复。")
    rectifications.close_rectification(closed, supervisor, "预算批复已核实，同意销号。")
    not_due.due_on = date(2026, 12, 31)
    rectifications.submit_rectification(reported, clerk, "已补充下半年活动计划，10 月已开展 2 次比赛。")

    for org in yangcheng[11:14]:  # self-checks the county has still to review
        inspection, _ = _run(org, InspectionKind.SELF_CHECK, supervisor, supervisor,
                             date(2026, 10, rng.randrange(10, 28)), finalize=False, submit=True)
        made.append(inspection)
    fengcheng = yangcheng[0]
    draft, _ = _run(fengcheng, InspectionKind.SELF_CHECK, clerk, supervisor, date(2026, 11, 18), finalize=False)
    made.append(draft)
    if len(yangcheng) > 14:
        spot, _ = _run(yangcheng[14], InspectionKind.SPOT_CHECK, supervisor, supervisor, date(2026, 11, 20),
                       finalize=False)
        made.append(spot)

    for index, org in enumerate(zezhou[:6]):  # 泽州县, checked by the city's administrator
        inspection, _ = _run(org, InspectionKind.ACCEPTANCE, admin, admin, date(2026, 5, 6) + timedelta(days=9 * index),
                             failed=("有活动",) if index == 2 else ())
        made.append(inspection)
        findings += inspection.rectifications

    county_federation = next(o for o in organizations if o.kind == OrgKind.FEDERATION and o.level == OrgLevel.COUNTY)
    inspection, _ = _run(county_federation, InspectionKind.ACCEPTANCE, supervisor, supervisor, date(2026, 9, 2))
    made.append(inspection)
    return len(made), len(findings), photos
