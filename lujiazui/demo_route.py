"""Demo content for the red route (``manage.py load_demo``, step ``load_route``).

What the seed article says: the Lujiazui Subdistrict, with People's Daily Online's Shanghai
channel, developed the 陆家嘴改革开放红色路线 of 13 points, launched at the party-building joint
meeting on 2020-06-30, and invites regional units and grassroots party organizations to book
visits and check in. The article does NOT list the 13 stops: every stop below is demo content
(``is_demo``) that staff replace. Ten are real Lujiazui places named with their public
addresses; three are placeholders. Coordinates are approximate (GCJ-02, as on mainland
maps) and only place the stops in the Lujiazui area. The opening rules are demo settings.

Plain data: ``lujiazui/management/commands/load_demo.py`` writes it. Check-in codes are
not here: each stop gets a random code when first created and keeps it on every reload.
"""

import datetime
from decimal import Decimal

from .demo_content import html

ROUTE = {
    "slug": "lujiazui-red-route",
    "name": ("陆家嘴改革开放红色路线", "Lujiazui Reform and Opening Red Route"),
    "summary": (
        "陆家嘴街道协同人民网上海频道，将区域内改革开放的地标和红色教育的阵地串点成线，"
        "精心开发了陆家嘴改革开放红色路线，涉及13个点位，2020年6月30日在党建联席会议上"
        "发布上线。欢迎各区域单位、基层党组织预约打卡、参观学习。",
        "Lujiazui Subdistrict and People's Daily Online's Shanghai channel linked the area's "
        "landmarks of reform and opening-up and its sites of red education into the Lujiazui "
        "Reform and Opening Red Route, with 13 points, launched at the party-building joint "
        "meeting on 30 June 2020. Regional units and grassroots party organizations are "
        "welcome to book a visit and check in.",
    ),
    "body": (
        html(
            "路线把建党精神与城市精神、红色血脉与城市文脉结合起来，展现城市风貌，传达时代精神，"
            "让党员干部在寻访红色路线中与历史、文化、民生、情怀对话。路线中涉及陆家嘴区域内"
            "13个改革开放进程点位，既有关乎社区百姓生活的，也有集聚高端产业的展示，更有凝聚"
            "陆家嘴人在浦东开发开放30年里的智慧成果。",
            "<p><em>演示说明：原文未列出13个点位。本站所列点位、坐标和开放时间均为演示内容，"
            "由工作人员替换为正式信息。</em></p>",
        ),
        html(
            "The route joins the founding spirit of the Party with the spirit of the city, its "
            "red heritage with its cultural heritage, showing the city and the spirit of the "
            "times, so that party members can meet history, culture, people's lives and "
            "ideals along the way. Its 13 points trace reform and opening-up in Lujiazui: "
            "places of residents' everyday life, showcases of high-end industries, and the "
            "achievements of Lujiazui's people over 30 years of Pudong's development.",
            "<p><em>Demo note: the article does not list the 13 points. The stops, "
            "coordinates and opening times shown here are demo content that staff replace "
            "with the real ones.</em></p>",
        ),
    ),
}

REAL_PLACE_NOTE = (
    "演示点位：地点与地址为陆家嘴的真实地点，坐标为近似值。原文未列出路线的13个点位，"
    "工作人员将以正式点位替换。",
    "Demo stop: a real Lujiazui place with its address; the coordinates are approximate. The "
    "article does not list the route's 13 points; staff replace this with the real stop.",
)
PLACEHOLDER_NOTE = (
    "演示点位：占位内容。原文未列出路线的13个点位，工作人员将以正式点位替换。",
    "Demo stop: a placeholder. The article does not list the route's 13 points; staff "
    "replace this with the real stop.",
)


def stop(number, name, address, latitude, longitude, organization=None):
    return {
        "number": number,
        "name": name,
        "address": address,
        "latitude": Decimal(latitude),
        "longitude": Decimal(longitude),
        "organization": organization,
        "summary": REAL_PLACE_NOTE if address[0] else PLACEHOLDER_NOTE,
    }


def placeholder(number, latitude, longitude):
    return stop(
        number, (f"示例点位 {number}", f"Demo stop {number}"), ("", ""), latitude, longitude
    )


# Numbers 1..13; (Simplified, English) pairs; approximate GCJ-02 coordinates.
STOPS = [
    stop(
        1,
        ("浦东开发陈列馆", "Pudong Development Exhibition Hall"),
        ("浦东新区浦东大道141号", "141 Pudong Avenue, Pudong New Area"),
        "31.241300",
        "121.508000",
    ),
    stop(
        2,
        (
            "陆家嘴金融城党建服务中心",
            "Lujiazui Financial City Party-Building Service Centre",
        ),
        (
            "浦东新区银城中路501号上海中心大厦22层",
            "22nd floor, Shanghai Tower, 501 Yincheng Road (M), Pudong New Area",
        ),
        "31.233500",
        "121.505500",
    ),
    stop(
        3,
        (
            "陈桂春住宅（吴昌硕纪念馆）",
            "Chen Guichun's Residence (Wu Changshuo Memorial Hall)",
        ),
        ("浦东新区陆家嘴东路15号", "15 Lujiazui Road (E), Pudong New Area"),
        "31.239300",
        "121.503900",
    ),
    stop(
        4,
        ("上海国际会议中心", "Shanghai International Convention Center"),
        ("浦东新区滨江大道2727号", "2727 Binjiang Avenue, Pudong New Area"),
        "31.242000",
        "121.496800",
        organization="shanghai-international-convention-center",
    ),
    stop(
        5,
        ("东方明珠广播电视塔", "Oriental Pearl TV Tower"),
        ("浦东新区世纪大道1号", "1 Century Avenue, Pudong New Area"),
        "31.239700",
        "121.499700",
    ),
    stop(
        6,
        ("上海证券大厦（上海证券交易所）", "Shanghai Stock Exchange Building"),
        ("浦东新区浦东南路528号", "528 Pudong Road (S), Pudong New Area"),
        "31.233600",
        "121.511800",
    ),
    stop(
        7,
        ("金茂大厦", "Jin Mao Tower"),
        ("浦东新区世纪大道88号", "88 Century Avenue, Pudong New Area"),
        "31.236900",
        "121.505400",
    ),
    stop(
        8,
        ("上海环球金融中心", "Shanghai World Financial Center"),
        ("浦东新区世纪大道100号", "100 Century Avenue, Pudong New Area"),
        "31.234700",
        "121.507900",
    ),
    stop(
        9,
        ("观复博物馆", "Guanfu Museum"),
        (
            "浦东新区银城中路501号上海中心大厦",
            "Shanghai Tower, 501 Yincheng Road (M), Pudong New Area",
        ),
        "31.233300",
        "121.505800",
        organization="guanfu-museum",
    ),
    stop(
        10,
        ("同济大学附属东方医院", "East Hospital Affiliated to Tongji University"),
        ("浦东新区即墨路150号", "150 Jimo Road, Pudong New Area"),
        "31.239500",
        "121.516500",
        organization="east-hospital",
    ),
    placeholder(11, "31.230800", "121.514000"),
    placeholder(12, "31.228800", "121.519500"),
    placeholder(13, "31.235800", "121.522500"),
]

# Demo opening times: every day, two visits a day, 40 people each.
OPENING_RULES = [
    {
        "weekdays": [0, 1, 2, 3, 4, 5, 6],
        "start_time": datetime.time(9, 30),
        "end_time": datetime.time(11, 0),
        "capacity": 40,
    },
    {
        "weekdays": [0, 1, 2, 3, 4, 5, 6],
        "start_time": datetime.time(14, 0),
        "end_time": datetime.time(15, 30),
        "capacity": 40,
    },
]

# An example booking for today, made by load_demo so that staff can try the approval flow.
# Invented, and says so; 13800138000 is the number Chinese forms use as an example.
BOOKING = {
    "organization_name": "【示例】演示单位党支部",
    "contact_name": "示例联系人",
    "contact_phone": "13800138000",
    "contact_email": "",
    "group_size": 12,
    "needs_guide": True,
    "note": "演示预约：由示例数据生成，可放心确认或拒绝。",
}
