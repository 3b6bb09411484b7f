"""Plausible Chinese names for synthetic regions and people.

The names are made up from common place-name and given-name characters, so that pages,
searches and column widths look like the real thing without copying a real gazetteer.
"""
from random import Random

PLACE_FIRST = "东西南北中上下大小新老青白黄金石龙凤云山河湖江桥塘坪溪岭田花桃杨柳梅松竹枫长永安福兴隆宁丰泰和清双三五马鹤狮虎茶樟桂兰荷莲"
PLACE_SECOND = "山河湖江桥塘坪溪岭田冲湾口坝铺港洲坡源阳峰林泉沙园堡台门岗塔寨庄营洞湘乡陵宁化安平"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃武戴莫孔向汤"  # noqa: E501 (one line of surnames reads best whole)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国志文斌辉波宁丹燕飞云鑫婷雪琳浩宇晨欣佳"


def place_name(rng: Random, taken: set[str]) -> str:
    """A two-character place name not yet in ``taken`` (which it extends)."""
    for _ in range(1000):
        name = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("ran out of place names")  # 3,000+ pairs: only a bug gets here


def person_name(rng: Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def phone(rng: Random) -> str:
    return rng.choice(("138", "139", "150", "151", "186", "187", "135")) + f"{rng.randrange(10**8):08d}"
