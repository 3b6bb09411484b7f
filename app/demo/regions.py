"""Demo regions and users: a real-looking city (晋城市) with two counties and their townships.

Names and codes follow the statistics office's division codes for the area; the
four demo users share the password in DEMO_PASSWORD (listed in the README).
"""
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import create_user
from app.regions.models import Region, RegionLevel
from app.regions.services import create_region

DEMO_PASSWORD = "Demo-2026"

COUNTIES = {
    ("140522", "阳城县"): [
        ("140522100", "凤城镇"), ("140522101", "北留镇"), ("140522102", "润城镇"), ("140522103", "町店镇"),
        ("140522104", "芹池镇"), ("140522105", "次营镇"), ("140522106", "横河镇"), ("140522107", "河北镇"),
        ("140522108", "蟒河镇"), ("140522109", "东冶镇"), ("140522200", "白桑乡"), ("140522201", "寺头乡"),
        ("140522202", "西河乡"), ("140522203", "演礼乡"), ("140522204", "固隆乡"), ("140522205", "董封乡"),
        ("140522206", "驾岭乡"),
    ],
    ("140525", "泽州县"): [
        ("140525100", "南村镇"), ("140525101", "下村镇"), ("140525102", "大东沟镇"), ("140525103", "周村镇"),
        ("140525104", "犁川镇"), ("140525105", "晋庙铺镇"), ("140525106", "金村镇"), ("140525107", "高都镇"),
        ("140525108", "巴公镇"), ("140525109", "大阳镇"), ("140525110", "山河镇"), ("140525111", "柳树口镇"),
        ("140525112", "北义城镇"), ("140525200", "李寨乡"), ("140525201", "南岭乡"),
    ],
}
VILLAGES = {
    "140522100": [("140522100001", "东关社区"), ("140522100002", "西关社区"), ("140522100201", "上孔村"),
                  ("140522100202", "下孔村"), ("140522100203", "南安阳村")],
    "140522101": [("140522101201", "郭峪村"), ("140522101202", "皇城村")],
}


def load_regions_and_users() -> tuple[dict[str, Region], dict[str, User]]:
    province = create_region(name="山西省", code="140000", level=RegionLevel.PROVINCE, parent=None)
    city = create_region(name="晋城市", code="140500", level=RegionLevel.CITY, parent=province)
    regions = {"140000": province, "140500": city}
    for (county_code, county_name), townships in COUNTIES.items():
        county = create_region(name=county_name, code=county_code, level=RegionLevel.COUNTY, parent=city)
        regions[county_code] = county
        for code, name in townships:
            township = create_region(name=name, code=code, level=RegionLevel.TOWNSHIP, parent=county)
            regions[code] = township
            for v_code, v_name in VILLAGES.get(code, []):
                regions[v_code] = create_region(name=v_name, code=v_code, level=RegionLevel.VILLAGE, parent=township)

    users = [
        ("admin", "系统管理员", Role.ADMIN, province),
        ("supervisor", "李建国", Role.SUPERVISOR, regions["140522"]),
        ("clerk", "王晓燕", Role.CLERK, regions["140522100"]),
        ("viewer", "赵明", Role.VIEWER, city),
    ]
    accounts = {}
    for username, display_name, role, region in users:
        user = create_user(username=username, display_name=display_name, role=role, region_id=region.id,
                           password=DEMO_PASSWORD, phone="0356-4220000")
        user.must_change_password = False  # demo accounts are for trying the product at once
        accounts[username] = user
    return regions, accounts
