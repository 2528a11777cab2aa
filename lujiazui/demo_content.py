"""Demo content for ``manage.py load_demo``, taken from the seed article.

Source: People's Daily Online, Shanghai channel, 2020-07-01 13:56, "陆家嘴街道党工委携手区域单位
共同庆祝中国共产党成立99周年" (来源：陆家嘴党建；责编：葛俊俊、韩庆). The article is in Traditional
Chinese; the text below is its faithful Simplified form (OpenCC t2s, reviewed; half-width
punctuation of the scraped copy normalized to full-width). Traditional fields are left empty
on purpose: ``lujiazui.chinese.DerivesTraditional`` derives them on save.

Everything here is plain data; ``lujiazui/management/commands/load_demo.py`` writes it.
Nothing beyond the article is presented as fact: the ten cloud lessons are visibly marked as
demo placeholders, and the one editorial note (the meaning of "1+31+N") says it is not from
the article.
"""

import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def html(*blocks):
    """Join block-level HTML; plain strings become paragraphs."""
    return "".join(block if block.startswith("<") else f"<p>{block}</p>" for block in blocks)


# --------------------------------------------------------------------------- organizations
# kind is an Organization.Kind value. is_council_member only where the article says so.

ORGANIZATIONS = [
    {
        "slug": "lujiazui-party-working-committee",
        "kind": "party",
        "name": ("陆家嘴街道党工委", "Lujiazui Subdistrict Party Working Committee"),
    },
    {
        "slug": "lujiazui-subdistrict-office",
        "kind": "government",
        "name": ("陆家嘴街道办事处", "Lujiazui Subdistrict Office"),
    },
    {
        "slug": "pudong-civil-affairs",
        "kind": "government",
        "name": ("浦东新区民政局", "Pudong New Area Civil Affairs Bureau"),
    },
    {
        "slug": "pudong-regional-work-committee",
        "kind": "party",
        "name": ("浦东新区地工委", "Pudong New Area Regional Work Committee"),
    },
    {
        "slug": "pudong-organization-department",
        "kind": "party",
        "name": (
            "浦东新区区委组织部",
            "Organization Department of the CPC Pudong New Area Committee",
        ),
    },
    {
        "slug": "pudong-publicity-department",
        "kind": "party",
        "name": (
            "浦东新区区委宣传部",
            "Publicity Department of the CPC Pudong New Area Committee",
        ),
    },
    {
        "slug": "pudong-civilization-office",
        "kind": "government",
        "name": ("浦东新区文明办", "Pudong New Area Civilization Office"),
        "short_name": ("区文明办", "Civilization Office"),
    },
    {
        "slug": "shanghai-construction-no1",
        "kind": "state_enterprise",
        "name": ("上海建工一建集团", "Shanghai Construction No.1 Group"),
        "short_name": ("一建集团", "No.1 Construction Group"),
        "is_council_member": True,  # "区域化党建理事会成员单位" (黄琪's speech)
        "description": (
            "陆家嘴街道区域化党建理事会成员单位，参与陆家嘴街道“金色纽带”党建模式，"
            "开展“公益进工地”“社区大管家”等项目。",
            "A member unit of Lujiazui Subdistrict's regional party-building council; takes "
            "part in the subdistrict's “Golden Bond” party-building model with projects such "
            "as “charity on the building site” and “community steward”.",
        ),
    },
    {
        "slug": "east-hospital",
        "kind": "hospital",
        "name": ("同济大学附属东方医院", "East Hospital Affiliated to Tongji University"),
        "short_name": ("东方医院", "East Hospital"),
        # The article: it relies on the 区域化党建联建平台 — not that it is a council member.
        "description": (
            "陆家嘴区域单位，依托区域化党建联建平台参与社区治理。",
            "A Lujiazui regional unit that takes part in community governance through the "
            "regional joint party-building platform.",
        ),
    },
    {
        "slug": "guanfu-museum",
        "kind": "museum",
        "name": ("观复博物馆", "Guanfu Museum"),
    },
    {
        # One organization for the residential area; 唐佳's position there is 党支部书记,
        # which reads "仁恒居民区 党支部书记" exactly as in the article.
        "slug": "renheng-residential-area",
        "kind": "residential_area",
        "name": ("仁恒居民区", "Renheng Residential Area"),
        "description": (
            "陆家嘴街道的国际化小区，中外居民共同居住；居民区党支部依托“家门口服务站”开展服务。",
            "An international residential community in Lujiazui Subdistrict, home to Chinese "
            "and foreign residents; its party branch serves them through the “on your "
            "doorstep” service station.",
        ),
    },
    {
        "slug": "people-cn-shanghai",
        "kind": "media",
        "name": ("人民网上海频道", "People's Daily Online Shanghai Channel"),
    },
    {
        # Built and run by the subdistrict (presented by 张磊, deputy director of the office).
        "slug": "lujiazui-civilization-practice-centre",
        "kind": "government",
        "name": (
            "陆家嘴街道新时代文明实践分中心",
            "Lujiazui Subdistrict New Era Civilization Practice Sub-centre",
        ),
        "short_name": ("文明实践分中心", "Civilization Practice Sub-centre"),
        "description": (
            "2020年6月30日在陆家嘴街道党建联席会议上启动，浦东新区区委宣传部副部长、"
            "区文明办主任邓亮和16家文明实践点的企业代表共同启动。分中心建设不断夯实"
            "“1+31+N”体系建设。",
            "Launched on 30 June 2020 at the Lujiazui Subdistrict party-building joint meeting "
            "by Deng Liang, deputy head of the Pudong publicity department and director of the "
            "district civilization office, together with representatives of 16 enterprise "
            "civilization practice points. Its work builds up the “1+31+N” system.",
        ),
    },
    {
        "slug": "shanghai-international-convention-center",
        "kind": "enterprise",
        "name": ("上海国际会议中心", "Shanghai International Convention Center"),
        "address": ("浦东新区滨江大道2727号", "2727 Binjiang Avenue, Pudong New Area, Shanghai"),
    },
]


# --------------------------------------------------------------------------- speakers
# Positions held on 2020-06-30; dates were not recorded, so start and end stay empty.
# Each position: (organization slug, Simplified title, English title).

SPEAKERS = [
    {
        "slug": "ling-junfen",
        "name": ("凌军芬", "Ling Junfen"),
        "positions": [("lujiazui-party-working-committee", "书记", "Secretary")],
    },
    {
        "slug": "huang-qi",
        "name": ("黄琪", "Huang Qi"),
        "positions": [
            (
                "shanghai-construction-no1",
                "党委副书记、纪委书记",
                "Deputy Secretary of the Party Committee and Secretary of the Discipline "
                "Inspection Commission",
            )
        ],
    },
    {
        "slug": "meng-fu",
        "name": ("孟馥", "Meng Fu"),
        "positions": [("east-hospital", "党委书记", "Secretary of the Party Committee")],
    },
    {
        "slug": "fei-bixuan",
        "name": ("费碧璇", "Fei Bixuan"),
        "positions": [("guanfu-museum", "馆长助理", "Assistant to the Director")],
    },
    {
        "slug": "tang-jia",
        "name": ("唐佳", "Tang Jia"),
        "positions": [("renheng-residential-area", "党支部书记", "Secretary of the Party Branch")],
    },
    {
        "slug": "jin-yuchun",
        "name": ("金煜纯", "Jin Yuchun"),
        "positions": [("people-cn-shanghai", "负责人、总经理", "Head and General Manager")],
    },
    {
        "slug": "xu-kewei",
        "name": ("徐可畏", "Xu Kewei"),
        "positions": [("pudong-organization-department", "副部长", "Deputy Head")],
    },
    {
        "slug": "zhang-lei",
        "name": ("张磊", "Zhang Lei"),
        "positions": [
            ("lujiazui-party-working-committee", "委员", "Member"),
            ("lujiazui-subdistrict-office", "副主任", "Deputy Director"),
        ],
    },
    {
        "slug": "zhou-xiaoping",
        "name": ("周小平", "Zhou Xiaoping"),
        "positions": [
            (
                "pudong-civil-affairs",
                "党组书记、局长",
                "Secretary of the Leading Party Group and Director",
            )
        ],
    },
    {
        "slug": "ni-qian",
        "name": ("倪倩", "Ni Qian"),
        "positions": [("pudong-regional-work-committee", "书记", "Secretary")],
    },
    {
        "slug": "deng-liang",
        "name": ("邓亮", "Deng Liang"),
        "positions": [
            ("pudong-publicity-department", "副部长", "Deputy Head"),
            ("pudong-civilization-office", "主任", "Director"),
        ],
    },
    {
        "slug": "li-can",
        "name": ("李灿", "Li Can"),
        "positions": [
            ("lujiazui-party-working-committee", "副书记", "Deputy Secretary"),
            ("lujiazui-subdistrict-office", "主任", "Director"),
        ],
    },
    {
        "slug": "wang-yunzhi",
        "name": ("王云芝", "Wang Yunzhi"),
        "positions": [("lujiazui-party-working-committee", "副书记", "Deputy Secretary")],
    },
]


# --------------------------------------------------------------------------- the event

EVENT = {
    "slug": "2020-party-building-joint-meeting",
    "title": (
        "陆家嘴街道党工委携手区域单位共同庆祝中国共产党成立99周年——2020年党建联席会议",
        "Lujiazui Subdistrict Party Working Committee and regional units celebrate the 99th "
        "anniversary of the founding of the Communist Party of China — 2020 Party-Building "
        "Joint Meeting",
    ),
    "theme": (
        "党建引领 多元参与 共建共享新时代人民之城",
        "Party building leads, many take part: building and sharing a people's city for the "
        "new era",
    ),
    "summary": (
        "2020年6月30日下午，陆家嘴街道党工委在上海国际会议中心召开以“党建引领 多元参与 "
        "共建共享新时代人民之城”为主题的党建联席会议，整合辖区资源，联合区域单位，共同庆祝"
        "中国共产党成立99周年和浦东开发开放30周年。会上启动了陆家嘴新时代文明实践分中心，"
        "陆家嘴改革开放红色路线和“四史”学习教育“云党课”发布上线。会议同时开通线上同步直播"
        "渠道，组织各基层党组织、区域单位、广大党员直播收看。",
        "On the afternoon of 30 June 2020, the Lujiazui Subdistrict Party Working Committee "
        "held a party-building joint meeting at the Shanghai International Convention Center "
        "on the theme “Party building leads, many take part: building and sharing a people's "
        "city for the new era”, bringing together the area's resources and regional units to "
        "celebrate the 99th anniversary of the founding of the Communist Party of China and "
        "the 30th anniversary of Pudong's development and opening-up. The meeting launched the "
        "Lujiazui New Era Civilization Practice Sub-centre and put the Lujiazui reform and "
        "opening-up red route and the “four histories” cloud party lessons online. It was "
        "also streamed live for grassroots party organizations, regional units and party "
        "members.",
    ),
    "body": (
        html(
            "为深入贯彻落实习近平总书记考察上海时的重要讲话精神、全国“两会”、市委和区委全会"
            "精神，深入开展“四史”学习教育，践行“人民城市人民建、人民城市为人民”重要理念，"
            "6月30日下午，陆家嘴街道党工委在上海国际会议中心召开以“党建引领 多元参与 "
            "共建共享新时代人民之城”为主题的党建联席会议，整合辖区资源，联合区域单位，"
            "共同庆祝中国共产党成立99周年和浦东开发开放30周年，凝心聚力，共建美好陆家嘴、"
            "共谱发展新篇章。",
            "浦东新区民政局党组书记、局长周小平，浦东新区地工委书记倪倩，浦东新区区委组织部"
            "副部长徐可畏，浦东新区区委宣传部副部长、区文明办主任邓亮，陆家嘴街道党工委书记"
            "凌军芬，党工委副书记、办事处主任李灿，陆家嘴街道区域化党建联席会理事会成员单位的"
            "负责同志，陆家嘴新时代文明实践点的企业代表，区党代表、人大代表、政协委员，"
            "街道居民区及“两新”党组织书记代表参加会议。",
            "同时，为落实疫情防控常态化，我们还开通了线上同步直播渠道，组织各基层党组织、"
            "区域单位、广大党员直播收看，共同庆祝、共聚合力、共谋发展。",
            "“走出一条符合超大城市特点和规律的社会治理新路子”“城市管理应该像绣花一样精细”，"
            "总书记对上海的谆谆嘱托站高望远，陆家嘴人正在理念创新、制度创新、方式创新等方面"
            "不断探索，我们的社区会变得更加美好。通过2020年党建联席会议，庆祝中国共产党成立"
            "99周年，同时献礼中国共产党成立100周年，我们会把“谱写新时代人民城市新篇章”作为"
            "使命，开放、创新、包容的陆家嘴，正用“人民城市”这把钥匙来智慧解锁，创造新时代的"
            "新奇迹！",
        ),
        "",
    ),
    # The article says only "6月30日下午": the time is not shown (start_time_known=False);
    # 14:00 only places the meeting in the afternoon for sorting.
    "start": datetime.datetime(2020, 6, 30, 14, 0, tzinfo=SHANGHAI),
    "venue": ("上海国际会议中心", "Shanghai International Convention Center"),
    "organizers": ["lujiazui-party-working-committee"],
    "source": ("陆家嘴党建", "Lujiazui Party Building"),
    "editors": ("葛俊俊、韩庆", "Ge Junjun, Han Qing"),
    "publish_at": datetime.datetime(2020, 7, 1, 13, 56, tzinfo=SHANGHAI),
}

# Sections in agenda order; "order" is the natural key within the event.
SECTIONS = [
    {
        "order": 1,
        "title": ("共建新时代文明之城", "Building a city of civilization for the new era"),
        "body": html(
            "<h3>陆家嘴新时代文明实践分中心启动仪式</h3>",
            "文明之城的建设离不开区域内各个单位的配合和支持，为了更好地实现文明实践工作的"
            "“社企联动”，实现“1+31+N”阵地体系的“自运转”，邀请了浦东新区区委宣传部副部长、"
            "区文明办主任邓亮和16家文明实践点的企业代表，共同启动陆家嘴新时代文明实践分中心。",
            "“文明城市需要共建共享，人人都要担当共唱主角”，相信在各单位的共同努力下，我们"
            "一定能秉承攻坚克难、砥砺前行的信心和勇气，全面推进新时代文明实践工作，深化文明"
            "城市建设，全方位展示陆家嘴窗口形象，展现人文之美、治理之美。",
            "<p><em>编者注（非原文内容）：“1+31+N”即1个街道新时代文明实践分中心、31个居民区"
            "和N个新时代文明实践点；分中心启动时，16家企业文明实践点的代表共同参与。</em></p>",
        ),
    },
    {
        "order": 2,
        "title": ("共创再出发荣耀之城", "Creating a city of glory for a new start"),
        "body": html(
            "<h3>陆家嘴改革开放红色路线</h3>",
            "为深入开展“四史”学习教育，陆家嘴街道协同人民网上海频道，充分利用区域资源，将区域"
            "内改革开放的地标和红色教育的阵地串点成线，把建党精神与城市精神、红色血脉与城市"
            "文脉结合起来，精心开发了一条陆家嘴改革开放红色路线，涉及13个点位，展现城市风貌，"
            "传达时代精神，让党员干部在寻访红色路线中与历史、文化、民生、情怀对话，进一步增强"
            "责任感、使命感和自豪感，更加热爱陆家嘴这片热土，从历史中找答案，从现实中找参照，"
            "从未来中找信心，创造更多的发展新奇迹。",
            "路线中涉及陆家嘴区域内13个改革开放进程点位，既有关乎我们社区百姓生活的、也有集聚"
            "高端产业的展示、更有凝聚我们陆家嘴人在浦东开发开放30年里的智慧成果，欢迎各区域"
            "单位、基层党组织预约打卡、参观学习。",
            "<h3>“四史”学习教育“云党课”</h3>",
            "习近平总书记在“不忘初心、牢记使命”主题教育总结大会上指出“要把学习贯彻党的创新"
            "理论作为思想武装的重中之重，同学习马克思主义基本原理贯通起来，同学习党史、新中国"
            "史、改革开放史、社会主义发展史结合起来”，陆家嘴街道根据自身特点，结合实现疫情防控"
            "和经济建设双胜利的要求，汇集区域榜样，携手网红先锋，匠心打造10堂精品云党课，深入"
            "学习“四史”，践行使命担当，共创荣耀之城。",
            "浦东新区民政局党组书记、局长周小平，浦东新区地工委书记倪倩，人民网上海频道负责人、"
            "总经理金煜纯，陆家嘴街道党工委副书记王云芝共同为陆家嘴改革开放红色路线和陆家嘴街道"
            "“四史”学习教育“云党课”发布上线。",
        ),
    },
    {
        "order": 3,
        "title": ("共享高品质幸福之城", "Sharing a city of high-quality happiness"),
        "body": html(
            "建设人民之城，就要牢牢树立一切工作以人民为中心的发展理念，要把为人民谋幸福作为根本"
            "使命。陆家嘴街道党工委书记和区域单位、居民区代表围绕“人民城市人民建、人民城市为"
            "人民”，为大家讲述他们在各自领域牢记初心、践行使命的经验做法和目标追求。",
        ),
    },
]

# Speeches in the article's order; (speaker, role) is the natural key within the event.
# "section" is the order of the section they belong to.
SPEECHES = [
    {
        "speaker": "zhang-lei",
        "role": "introduction",
        "section": 1,
        "title": (
            "陆家嘴街道新时代文明实践分中心建设工作",
            "Building the Lujiazui Subdistrict New Era Civilization Practice Sub-centre",
        ),
        "summary": (
            "张磊同志介绍陆家嘴街道新时代文明实践分中心建设工作。"
            "她提出，一要坚持党建引领，不断地注入“红色”动力；二要完善九大功能，不断满足社区"
            "百姓需求；三要实现公转自转，不断激发建设活力，在分中心建设工作中坚定信心和勇气、"
            "发挥特长和才干，不断夯实“1+31+N”体系建设，共建陆家嘴新时代文明之城。",
            "Zhang Lei presented the work of building the Lujiazui Subdistrict New Era "
            "Civilization Practice Sub-centre. She set out three tasks: keep party building in "
            "the lead, constantly injecting “red” momentum; complete the nine functions to keep "
            "meeting residents' needs; and keep the work turning both with the whole and on its "
            "own, to keep the building effort lively — steadily consolidating the “1+31+N” "
            "system and building Lujiazui into a city of civilization for the new era.",
        ),
    },
    {
        "speaker": "ling-junfen",
        "role": "keynote",
        "section": 3,
        "title": (
            "党建引领 凝聚城市发展力量；共融共享 释放城市民生温度",
            "Party building leads, gathering strength for the city's development; integration "
            "and sharing release the warmth of people's livelihoods",
        ),
        "summary": (
            "凌军芬同志与大家分享了陆家嘴街道的探索、实践与思考。一方面是“党建引领”——凝聚"
            "城市发展力量：聚合力，深化构建城市基层党建格局；聚资源，为城市创新发展注入强大"
            "能量；聚民心，以多元协商共治助力社区成长。另一方面是“共融共享”——释放城市民生"
            "温度：深化“家门口”服务体系，打造“新家园”；坚持服务商圈服务经济，拓展“新空间”；"
            "推动文化文明提升，焕发“新活力”。开放融合、多方联动、共建共享是城市基层党建"
            "“共同体”的发展方向，期待走出一条符合时代特征、浦东特色、陆家嘴特点的社会治理"
            "新路，以实现“五个人人”为目标，携手共创更美好的城市、共享更幸福的生活。",
            "Ling Junfen shared Lujiazui Subdistrict's exploration, practice and thinking. First, "
            "“party building leads” to gather strength for the city's development: pooling "
            "forces to deepen the pattern of urban grassroots party building, pooling resources "
            "to power the city's innovation, and pooling public support so that consultation and "
            "co-governance by many parties help the community grow. Second, “integration and "
            "sharing” release the warmth of people's livelihoods: deepening the “on your "
            "doorstep” service system to build a “new home”, serving business districts and the "
            "economy to open up “new space”, and raising culture and civility to bring “new "
            "vitality”. Openness, joint action and shared building are the direction of the "
            "urban grassroots party-building “community”; the hope is to find a new path of "
            "social governance that fits the times, Pudong and Lujiazui, aiming at the “five "
            "everyones” (五个人人), for a better city and a happier life shared by all.",
        ),
    },
    {
        "speaker": "huang-qi",
        "role": "keynote",
        "section": 3,
        "title": (
            "围绕工程抓党建、融入社区抓党建、服务民生抓党建",
            "Party building around projects, within the community and in service of people's "
            "livelihoods",
        ),
        "summary": (
            "黄琪同志表示，一建集团始终与浦东的开发开放紧密相连，既是浦东30年开发开放的见证者，"
            "更是亲历者。集团党委始终秉持“围绕工程抓党建、融入社区抓党建、服务民生抓党建”的"
            "理念，积极参与到陆家嘴街道“金色纽带”党建模式中，通过“公益进工地”“社区大管家”等"
            "项目，主动融入社区、对接社区需求、拓展服务载体、落实“双向服务”。今后，一建集团将"
            "继续发挥区域化党建理事会成员单位的优势，与其他区域单位一同互促互进、合作共赢，"
            "携手共建幸福之城。",
            "Huang Qi said the No.1 Construction Group has always been closely tied to Pudong's "
            "development and opening-up, as both witness and participant over its 30 years. Its "
            "party committee builds party work around its projects, within the community and in "
            "service of people's livelihoods, and takes part in Lujiazui Subdistrict's “Golden "
            "Bond” party-building model through projects such as “charity on the building site” "
            "and “community steward”, meeting community needs and delivering “two-way service”. "
            "As a member unit of the regional party-building council, the group will keep "
            "working with other regional units to build a city of happiness together.",
        ),
    },
    {
        "speaker": "meng-fu",
        "role": "keynote",
        "section": 3,
        "title": (
            "浦东速度、上海温度、中国高度、社区深度",
            "Pudong speed, Shanghai warmth, China's height, community depth",
        ),
        "summary": (
            "孟馥书记从浦东速度、上海温度、中国高度、社区深度“四个维度”，分享交流了东方医院的"
            "百年历程、新兴学科的前沿风采、逆行出征的榜样故事、融入社区的共建项目等。东方医院"
            "作为上海最年轻的三甲医院，综合实力已跻身上海三甲综合医院前十，是干细胞和灾难医学"
            "两个新兴学科领域的实践高地；新冠疫情爆发之际，先后派出4批66名医护人员驰援武汉。"
            "作为陆家嘴区域单位，东方医院将继续依托区域化党建联建平台，积极参与、不断加强城市"
            "应急管理和社区治理体系现代化水平提升。",
            "Meng Fu spoke along “four dimensions” — Pudong speed, Shanghai warmth, China's "
            "height and community depth — about East Hospital's century-long history, its "
            "frontier work in emerging disciplines, the role models who went where the danger "
            "was, and its joint projects in the community. The youngest grade-A tertiary "
            "hospital in Shanghai now ranks among the city's top ten general hospitals of that "
            "grade and is a centre of practice in stem cells and disaster medicine; when COVID-19 "
            "broke out it sent 66 medical staff to Wuhan in four groups. As a Lujiazui regional "
            "unit it will keep using the regional joint party-building platform to help "
            "modernize urban emergency management and community governance.",
        ),
    },
    {
        "speaker": "fei-bixuan",
        "role": "keynote",
        "section": 3,
        "title": (
            "活动同行、资源共享、合作共赢",
            "Activities together, resources shared, cooperation for mutual benefit",
        ),
        "summary": (
            "费碧璇同志表示，经过近些年成功的合作与探索，观复博物馆将继续以丰富的传统文化活动"
            "为载体，在浦东新区新时代文明实践工作中、在陆家嘴区域化党建工作中，与政府单位、"
            "街道社区、学校等开展更广泛和更深层次的合作，活动同行、资源共享、合作共赢，弘扬"
            "中国优秀传统文化，为全面提升浦东城市文明程度和市民文明素质贡献力量。",
            "Fei Bixuan said that after recent years of successful cooperation, the Guanfu Museum "
            "will continue to use its wide range of traditional-culture activities in Pudong's "
            "new-era civilization practice and in Lujiazui's regional party building, "
            "cooperating more broadly and deeply with government bodies, subdistrict communities "
            "and schools — sharing activities and resources for mutual benefit — to promote "
            "China's fine traditional culture and help raise the level of civility in Pudong.",
        ),
    },
    {
        "speaker": "tang-jia",
        "role": "keynote",
        "section": 3,
        "title": (
            "“一对法国夫妇赠送巧克力”的故事",
            "The story of a French couple's gift of chocolates",
        ),
        "summary": (
            "唐佳同志作为国际化小区的党组织书记，从“一对法国夫妇赠送巧克力”的故事，讲述了基层"
            "社区工作者的初心坚守、使命践行：强化党建引领，依托“家门口服务站”建设，激发居民"
            "参与社区事务的潜能，实现新时代的国际化社区高品质管理、高规格服务和高效率运行，"
            "使中外居民的获得感、幸福感、安全感“指数满格”。",
            "As party secretary of an international residential community, Tang Jia told the "
            "story of a French couple who gave chocolates to show how grassroots community "
            "workers hold to their original aspiration and carry out their mission: "
            "strengthening party leadership and building the “on your doorstep” service station "
            "to draw residents into community affairs, so that an international community is "
            "managed, served and run to a high standard and its Chinese and foreign residents' "
            "sense of gain, happiness and security is “at full strength”.",
        ),
    },
    {
        "speaker": "jin-yuchun",
        "role": "host",
        "section": 3,
        "title": ("主持主旨演讲", "Hosting the keynote speeches"),
        "summary": (
            "人民网上海频道负责人、总经理金煜纯主持主旨演讲。他代表与会人员对五位嘉宾的精彩"
            "演讲表达感谢，并表示作为陆家嘴街道的人民之一，感到非常自豪、荣幸，相信在各方的"
            "努力下，在红色党建的引领下，陆家嘴一定会成为人民城市的一颗璀璨明珠。",
            "Jin Yuchun hosted the keynote speeches. He thanked the five speakers on behalf of "
            "those present, said that as one of the people of Lujiazui he felt proud and "
            "honoured, and was confident that with everyone's efforts and led by party building, "
            "Lujiazui will become a shining pearl among people's cities.",
        ),
    },
    {
        "speaker": "xu-kewei",
        "role": "remarks",
        "section": 3,
        "title": (
            "共同做好陆家嘴街道党建联建这篇大文章",
            "Writing the great chapter of joint party building in Lujiazui together",
        ),
        "summary": (
            "徐可畏同志对陆家嘴街道召开本次党建联席会议表示高度支持，并指出未来的目标是大家"
            "共同做好陆家嘴街道党建联建这篇大文章，在当前疫情防控常态化和着力推进复工复产的"
            "背景下，更有责任和义务把区域化党建工作做好，以优异的成绩迎接建党100周年。",
            "Xu Kewei expressed strong support for the meeting and said the goal ahead is for "
            "everyone to write the great chapter of joint party building in Lujiazui together. "
            "With epidemic control now routine and work and production resuming, there is all "
            "the more responsibility to do regional party building well and to greet the "
            "Party's centenary with outstanding results.",
        ),
    },
]

# Notable guests who did not speak, in the article's order.
ATTENDEES = ["zhou-xiaoping", "ni-qian", "deng-liang", "li-can", "wang-yunzhi"]


# --------------------------------------------------------------------------- cloud lessons
# The article says only that ten cloud lessons on the "four histories" were launched; it
# names none of them. These are visibly labelled placeholders for staff to replace.

_SERIES_NAMES = {
    "party": ("党史", "Party history"),
    "prc": ("新中国史", "History of the PRC"),
    "reform": ("改革开放史", "History of reform and opening up"),
    "socialism": ("社会主义发展史", "History of socialism"),
}
_LESSON_SERIES = ["party"] * 3 + ["prc"] * 2 + ["reform"] * 3 + ["socialism"] * 2
_LESSON_MINUTES = [20, 25, 30, 35, 40]
_LESSON_SUMMARY = (
    "示例占位内容：原文只提到陆家嘴街道打造了10堂“四史”学习教育精品云党课，未列出课程题目"
    "和主讲人。本条为演示用的占位课程，请工作人员替换为实际课程的标题、简介、主讲人和视频。",
    "Demo placeholder: the source article says Lujiazui Subdistrict produced ten cloud party "
    "lessons on the “four histories” but does not name them or their speakers. Staff replace "
    "this entry with a real lesson's title, summary, speaker and video.",
)
# Lesson 1 gets the latest publish time so that lists (newest first) read 1, 2, … 10.
_LESSONS_PUBLISHED = datetime.datetime(2020, 7, 1, 14, 10, tzinfo=SHANGHAI)

LESSONS = [
    {
        "slug": f"demo-lesson-{n:02d}",
        "series": series,
        "title": (
            f"【示例】“四史”云党课 第{n}讲（{_SERIES_NAMES[series][0]}）",
            f"[Demo] Four Histories cloud lesson {n} ({_SERIES_NAMES[series][1]})",
        ),
        "summary": _LESSON_SUMMARY,
        "duration": datetime.timedelta(minutes=_LESSON_MINUTES[(n - 1) % len(_LESSON_MINUTES)]),
        "publish_at": _LESSONS_PUBLISHED - datetime.timedelta(minutes=n),
    }
    for n, series in enumerate(_LESSON_SERIES, start=1)
]
