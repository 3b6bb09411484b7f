"""Demo activities (赛事活动): a year of them in 阳城县 (2026, and the last weeks of 2025), a few in
泽州县, as the seeds tell the work: county games and leagues, trainings of 健身骨干 and referees,
广场舞 and 太极拳 displays, walks on 全民健身日, the elderly's 门球 and 重阳 outings.

Competitions and the county's big events were filed beforehand (报备) with their 规程 (a small
Word file) and approved, one sent back and one awaiting the county; most of those held were
reported (信息上报) with what happened and one or two photos; a few are planned for the coming
weeks, two were cancelled. Written as rows (the workflow's services are the ledger's), with the
statuses and timestamps the workflow leaves; the files go through the attachment services, so
they behave like uploads. The same on every run (its own random stream).
"""
import io
import random
import zipfile
from datetime import date, datetime, time, timedelta
from functools import cache
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont
from werkzeug.datastructures import FileStorage

from app.activities.models import Activity, ActivityKind, ActivityLevel, ActivityStatus
from app.activities.services import PHOTO_CAPTION, RULES_CAPTION
from app.attachments.services import attach, prepare_upload
from app.auth.models import User
from app.demo.inspections import CJK_FONT
from app.extensions import db
from app.organizations.models import Organization, OrgKind, OrgLevel
from app.regions.models import RegionLevel

C, E, T, S = ActivityKind.COMPETITION, ActivityKind.EVENT, ActivityKind.TRAINING, ActivityKind.SHOWCASE
# The demo's "now": what lies after it is still being prepared.
AS_OF = date(2026, 12, 1)
SPAN = (date(2025, 11, 20), date(2027, 1, 31))

# (title, kind, days it lasts, expected participants: low, high). "{place}" is the region's name.
COUNTY_FEDERATION = [
    ("{place}第十届全民健身运动会", C, 3, 800, 1500), ("{place}“全民健身日”万人徒步活动", E, 1, 2000, 4000),
    ("{place}迎新春篮球联赛", C, 5, 200, 360), ("{place}社会体育指导员培训班", T, 3, 60, 120),
    ("{place}健身骨干培训班", T, 2, 80, 110), ("{place}“村BA”篮球赛", C, 4, 200, 320),
    ("{place}全民健身广场舞大赛", C, 1, 300, 500), ("{place}环蟒河自行车骑行活动", E, 1, 300, 600),
    ("{place}青少年足球夏令营", T, 7, 80, 150), ("{place}中国象棋锦标赛", C, 2, 60, 120),
    ("{place}新春健身长跑", E, 1, 500, 1200), ("{place}全民健身系列活动启动仪式", S, 1, 400, 800),
]
ASSOCIATION = [
    ("{place}{sport}锦标赛", C, 2, 80, 200), ("{place}{sport}公开赛", C, 2, 60, 160),
    ("{sport}裁判员培训班", T, 2, 30, 60), ("{sport}教练员培训", T, 2, 30, 60),
    ("{sport}友谊交流赛", C, 1, 40, 100), ("{sport}进社区展示活动", S, 1, 80, 200),
    ("{sport}业余爱好者联谊赛", C, 1, 40, 120), ("{sport}公益教学周", T, 5, 40, 90),
]
ELDERLY_COUNTY = [
    ("{place}老年人门球赛", C, 2, 80, 160), ("{place}老年人太极拳（剑）展演", S, 1, 150, 300),
    ("老年人健身气功培训班", T, 3, 50, 90), ("重阳节登高健身活动", E, 1, 200, 400),
    ("{place}老年人广场舞展演", S, 1, 200, 400), ("{place}老年人象棋比赛", C, 1, 40, 80),
    ("老年人柔力球交流赛", C, 1, 60, 120), ("老年人健步走活动", E, 1, 150, 300),
]
TOWNSHIP = [
    ("{place}广场舞展演", S, 1, 120, 300), ("{place}全民健身日徒步", E, 1, 200, 600),
    ("{place}乒乓球联赛", C, 3, 40, 100), ("{place}农民篮球赛", C, 3, 100, 240),
    ("{place}太极拳培训班", T, 5, 30, 60), ("{place}拔河比赛", C, 1, 120, 260),
    ("{place}健身骨干培训", T, 1, 30, 60), ("{place}迎新春趣味运动会", E, 1, 200, 500),
    ("{place}“村BA”篮球赛", C, 4, 120, 260), ("{place}健身气功展示", S, 1, 60, 140),
]
VILLAGE = [
    ("{place}老年人健步走", E, 1, 40, 90), ("{place}重阳节趣味运动会", E, 1, 50, 120),
    ("{place}广场舞展演", S, 1, 40, 100),
]
CLUB = [
    ("{sport}培训班（春季）", T, 10, 30, 50), ("{sport}晨练展示", S, 1, 40, 80),
    ("{sport}推广活动进社区", S, 1, 60, 120), ("{sport}交流赛", C, 1, 30, 60), ("{sport}培训班（秋季）", T, 10, 30, 50),
]
COMMUNITY = [
    ("{place}健身操展演", S, 1, 60, 120), ("{place}居民趣味运动会", E, 1, 100, 200),
    ("{place}健步走", E, 1, 80, 150), ("{place}亲子运动会", E, 1, 80, 160),
]
# (titles, how many a year) by the organisations' kind and level.
PLANS = {
    (OrgKind.FEDERATION, OrgLevel.COUNTY): (COUNTY_FEDERATION, 12),
    (OrgKind.ASSOCIATION, OrgLevel.COUNTY): (ASSOCIATION, 7),
    (OrgKind.ELDERLY_ASSOCIATION, OrgLevel.COUNTY): (ELDERLY_COUNTY, 7),
    (OrgKind.FEDERATION, OrgLevel.TOWNSHIP): (TOWNSHIP, 3),
    (OrgKind.ELDERLY_ASSOCIATION, OrgLevel.VILLAGE): (VILLAGE, 1),
    (OrgKind.CLUB, OrgLevel.TOWNSHIP): (CLUB, 5),
    (OrgKind.COMMUNITY_ASSOCIATION, OrgLevel.VILLAGE): (COMMUNITY, 4),
}
LEVELS = {OrgLevel.COUNTY: ActivityLevel.COUNTY, OrgLevel.TOWNSHIP: ActivityLevel.TOWNSHIP,
          OrgLevel.VILLAGE: ActivityLevel.VILLAGE}
YANGCHENG, ZEZHOU, FENGCHENG = "140522", "140525", "140522100"
# 泽州县 gets only its county organisations' year, fewer of them: the city viewer sees two counties.
ZEZHOU_SHARE = 0.3
APPROVED_NOTE = "同意举办。请落实安全保障和应急预案，赛后 7 日内上报活动情况。"
RETURNED_NOTE = "规程未写明安全保障措施和应急预案，参赛人员保险安排不明确，请补充后重新报备。"
RESULTS = {
    C: ["共有 {teams} 支代表队参赛，比赛公平有序，评选出团体前三名和优秀组织奖。",
        "{teams} 支队伍参赛，决出各组别前六名，赛事全程无安全事故。"],
    T: ["培训 {n} 人，经考核 {passed} 人合格，颁发结业证书。", "参训 {n} 人，内容包括理论讲解、技术动作和安全常识。"],
    S: ["{teams} 支队伍参加展演，现场观众约 {crowd} 人，群众反响热烈。", "展演节目 {teams} 个，市电视台进行了报道。"],
    E: ["活动安全有序，参与群众 {n} 人，县融媒体中心进行了报道。", "参与群众 {n} 人，发放全民健身宣传资料 {crowd} 份。"],
}
PLACES = {
    ActivityLevel.COUNTY: ["{county}全民健身中心", "{county}体育馆", "{county}人民广场", "{county}第一中学体育场"],
    ActivityLevel.TOWNSHIP: ["{place}文化广场", "{place}中心学校操场", "{place}综合文化站", "{place}全民健身广场"],
    ActivityLevel.VILLAGE: ["{place}文化广场", "{place}村委会广场", "{place}老年活动中心"],
}


def load_activities(organizations: list[Organization], users: dict[str, User]) -> tuple[int, int]:
    """The activities and their files; returns (activities, files)."""
    rng = random.Random("demo:activities")
    planned: list[tuple[Organization, tuple]] = []
    for org in organizations:
        county_code = org.region.code[:6]
        plan = PLANS.get((org.kind, org.level))
        if plan is None or county_code not in (YANGCHENG, ZEZHOU) or (org.registered_on or SPAN[0]) > SPAN[0]:
            continue  # not one of the demo's planners, or founded within the demo year: none held yet
        titles, per_year = plan
        if county_code == ZEZHOU:
            if org.level != OrgLevel.COUNTY:
                continue
            per_year = max(1, round(per_year * ZEZHOU_SHARE))
        # The year, and one or two in the last weeks of 2025 or the first of 2027.
        count = per_year + (1 if rng.random() < 0.6 else 0)
        planned += [(org, choice) for choice in rng.sample(titles, min(count, len(titles)))]
    activities = [_activity(rng, org, choice, users) for org, choice in planned]
    _set_filing_exceptions(rng, activities)
    db.session.add_all(activities)
    db.session.flush()
    files = sum(_files(rng, activity) for activity in activities)
    return len(activities), files


def _activity(rng: random.Random, org: Organization, choice: tuple, users: dict[str, User]) -> Activity:
    title, kind, days, low, high = choice
    county = org.region if org.level == OrgLevel.COUNTY else _county_of(org)
    place_name = org.region.name
    title = title.format(place=place_name, sport=org.sport or "健身")
    starts_on = SPAN[0] + timedelta(days=rng.randrange((SPAN[1] - SPAN[0]).days))
    ends_on = starts_on + timedelta(days=days - 1)
    level = LEVELS[org.level]
    big = level == ActivityLevel.COUNTY and (kind == C or high >= 500)
    expected = rng.randrange(low, high + 1) // 10 * 10
    created = _at(starts_on - timedelta(days=rng.randrange(35, 70)), rng)
    activity = Activity(
        organization=org, region_id=org.region_id, title=title[:100], kind=kind, level=level,
        starts_on=starts_on, ends_on=ends_on,
        place=rng.choice(PLACES[level]).format(county=county.name, place=place_name),
        organiser=org.name, co_organisers=_co_organisers(rng, org, county),
        expected_participants=expected, needs_filing=kind == C or big,
        created_by_id=_creator(org, users),
        created_at=created, updated_at=created,
    )
    held = ends_on < AS_OF
    filed_on = starts_on - timedelta(days=rng.randrange(18, 30))
    if activity.needs_filing and filed_on < AS_OF:
        activity.filed_at = _at(filed_on, rng)
        activity.status = ActivityStatus.FILED
        decided_at = activity.filed_at + timedelta(days=rng.randrange(1, 4), hours=rng.randrange(1, 6))
        if decided_at.date() < AS_OF:
            activity.decided_at, activity.review_note = decided_at, APPROVED_NOTE
            activity.decided_by = _decider(org)
            activity.status = ActivityStatus.APPROVED
    if held and AS_OF - ends_on > timedelta(days=14):  # the last fortnight's are still to report
        activity.actual_participants = max(10, round(expected * rng.uniform(0.8, 1.25)))
        activity.results = rng.choice(RESULTS[kind]).format(
            teams=rng.randrange(6, 24), n=activity.actual_participants,
            passed=activity.actual_participants - rng.randrange(0, 4), crowd=rng.randrange(3, 20) * 100)
        activity.reported_at = _at(ends_on + timedelta(days=rng.randrange(1, 8)), rng)
        activity.status = ActivityStatus.REPORTED
    activity.updated_at = max(t for t in (created, activity.filed_at, activity.decided_at, activity.reported_at) if t)
    return activity


def _decider(org: Organization) -> str:
    """Who answers a filing: the county's supervisor (the city's administrator in 泽州县)."""
    return "李建国" if org.region.code.startswith(YANGCHENG) else "系统管理员"


def _creator(org: Organization, users: dict[str, User]) -> int | None:
    """Who registered it: 凤城镇's clerk its own, the county's supervisor the rest of 阳城县."""
    if org.region.code.startswith(FENGCHENG):
        return users["clerk"].id
    return users["supervisor"].id if org.region.code.startswith(YANGCHENG) else None


def _set_filing_exceptions(rng: random.Random, activities: list[Activity]) -> None:
    """Among the filings for what is still to come: the first sent back, the next awaiting the
    county; among those held and reported, two cancelled instead (no report, no photos)."""
    coming = sorted((a for a in activities if a.needs_filing and a.starts_on > AS_OF), key=lambda a: a.starts_on)
    for activity, status, days_ago in zip(coming, (ActivityStatus.RETURNED, ActivityStatus.FILED), (6, 2),
                                          strict=False):
        activity.status = status
        activity.filed_at = activity.filed_at or _at(AS_OF - timedelta(days=days_ago), rng)
        activity.created_at = min(activity.created_at, activity.filed_at - timedelta(days=1))
        if status == ActivityStatus.RETURNED:
            activity.decided_at = activity.decided_at or activity.filed_at + timedelta(days=1, hours=2)
            activity.decided_by, activity.review_note = _decider(activity.organization), RETURNED_NOTE
        else:
            activity.decided_at, activity.decided_by, activity.review_note = None, "", ""
        activity.updated_at = activity.decided_at or activity.filed_at
    reported = [a for a in activities if a.status == ActivityStatus.REPORTED and not a.needs_filing]
    for activity in rng.sample(reported, min(2, len(reported))):
        activity.status = ActivityStatus.CANCELLED
        activity.actual_participants, activity.results, activity.reported_at = None, "", None
        activity.updated_at = max(activity.created_at, _at(activity.starts_on - timedelta(days=2), rng))


def _files(rng: random.Random, activity: Activity) -> int:
    """The 规程 of a filed activity, and the photos of a reported one."""
    saved = 0
    if activity.filed_at is not None:
        attach([prepare_upload(rules_document(activity))], owner=activity, region_id=activity.region_id,
               caption=RULES_CAPTION)
        saved += 1
    if activity.status == ActivityStatus.REPORTED:
        for number in range(rng.choice((1, 1, 2))):
            attach([prepare_upload(activity_photo(activity.title, seed=activity.id * 10 + number))],
                   owner=activity, region_id=activity.region_id, caption=PHOTO_CAPTION)
            saved += 1
    return saved


def rules_document(activity: Activity) -> FileStorage:
    """The 规程 (rules of the competition or event) as a small Word file, as a filing carries it."""
    sections = [
        ("一、主办单位", activity.organiser),
        ("二、承办、协办单位", activity.co_organisers or "无"),
        ("三、时间和地点", f"{activity.starts_on:%Y年%m月%d日}至{activity.ends_on:%Y年%m月%d日}，{activity.place}。"),
        ("四、参加办法", f"各参赛单位组队报名，预计参加人数 {activity.expected_participants} 人；参加人员须身体健康，"
                   "自行办理人身意外伤害保险。"),
        ("五、竞赛办法和录取名次", "执行国家体育总局审定的最新竞赛规则；录取前六名，颁发奖牌和证书。"),
        ("六、安全保障", "设医疗救护点和安全员，制定应急预案，活动前进行场地安全检查。"),
        ("七、未尽事宜", "另行通知。本规程解释权归主办单位。"),
    ]
    paragraphs = [_paragraph(f"{activity.title}规程", size=36, centered=True)]
    for heading, text in sections:
        paragraphs += [_paragraph(heading, size=28), _paragraph(text)]
    return FileStorage(io.BytesIO(_docx("".join(paragraphs))), filename=f"{activity.title}规程.docx",
                       content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


# The least a .docx holds (Word and WPS open it). Written by hand, not with python-docx: its
# template and style lookups cost ~50 ms a file, and it stamps each part with the time of saving.
DOCX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>',
}
DOCX_BODY = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}'
             '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')


def _paragraph(text: str, size: int = 24, centered: bool = False) -> str:
    """One paragraph of the document body; ``size`` in half points (24: 小四)."""
    alignment = '<w:jc w:val="center"/>' if centered else ""
    return (f'<w:p><w:pPr>{alignment}</w:pPr><w:r><w:rPr><w:sz w:val="{size}"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')


def _docx(body: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in {**DOCX_PARTS, "word/document.xml": DOCX_BODY.format(body)}.items():
            # A fixed time: the same document is the same file on every run.
            entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(entry, xml)
    return out.getvalue()


def activity_photo(caption: str, seed: int) -> FileStorage:
    """A stand-in photo of the day, a few KB: sky, ground, a banner with the title, a crowd."""
    rng = random.Random(seed)
    img = Image.new("RGB", (480, 320), (140 + rng.randrange(40), 185, 235))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 200, 480, 320), fill=(80 + rng.randrange(60), 130, 90))
    draw.rectangle((40, 40, 440, 90), fill=(190, 30, 40))
    if font := _banner_font():
        draw.text((52, 50), caption[:18], font=font, fill="white")
    for _ in range(40):
        x, y = rng.randrange(10, 470), rng.randrange(190, 300)
        draw.ellipse((x, y, x + 8, y + 8), fill=(60, 40, 30))
        draw.rectangle((x, y + 8, x + 8, y + 24), fill=rng.choice([(200, 40, 40), (40, 80, 180), (240, 240, 240)]))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70)
    out.seek(0)
    return FileStorage(out, filename=f"IMG_{20260000 + seed}.jpg", content_type="image/jpeg")


@cache
def _banner_font() -> ImageFont.FreeTypeFont | None:
    # Opening the CJK collection costs more than drawing a photo: once per process.
    return ImageFont.truetype(str(CJK_FONT), 22) if CJK_FONT.exists() else None


def _co_organisers(rng: random.Random, org: Organization, county) -> str:
    if org.level == OrgLevel.COUNTY:
        return rng.choice([f"{county.name}文化和旅游体育局（指导）", f"{county.name}体育总会", "中国体育彩票（冠名支持）", ""])
    if org.level == OrgLevel.TOWNSHIP:
        return rng.choice([f"{org.region.name}人民政府", f"{org.region.name}综合文化站", ""])
    return rng.choice([f"{org.region.name}村（居）民委员会", ""])


def _county_of(org: Organization):
    region = org.region
    while region.level != RegionLevel.COUNTY:
        region = region.parent
    return region


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment of ``day`` (UTC, as the app stores it: Beijing 09:00–17:00)."""
    return datetime.combine(day, time(1)) + timedelta(minutes=rng.randrange(480))
