"""Build the large data set `make bench` measures, with bulk inserts (see README, "Benchmarks").

On top of the demo content (``load_demo``: its organizations, people, event, lessons and the
13-stop red route), at ``--scale 1``: 5,000 events (3 sections, 8 speeches, 10 guests and 6
photos each), 2,000 people with their positions, 1,000 organizations, 300 cloud lessons, two
years of the route's visiting times (one back, one ahead), 100,000 bookings and 500,000
check-ins. Texts are recombined from the seed article (``lujiazui.demo_content``), about a
third with English; a mix of published, scheduled, submitted and draft items.

``bulk_create`` skips ``save()``, so what saving would add is written here: the Traditional
text (``lujiazui.chinese``), the places each visit has taken (equal to the people of the
bookings that hold places, within capacity), and the search index (rebuilt at the end). One
real JPEG is saved the normal way, which makes its renditions; every other picture row reuses
its file name and renditions, so pages show real ``<picture>`` markup.

The command flushes the database first. It refuses a database holding content it did not
build (unless ``--force``), and records what it built in a table of its own
(``bench_data_set``, outside Django's models, so that a flush keeps it).
"""

import datetime
import hashlib
import io
import itertools
import random
import re
import time
from functools import cache

from auditlog.context import disable_auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.html import strip_tags
from PIL import Image, ImageDraw

from events.models import Attendance, Event, Lesson, Photo, Section, Speech
from lujiazui import demo_content as demo
from lujiazui import demo_route
from lujiazui.chinese import TAG, to_traditional, translated_field_names
from lujiazui.publishing import Publishable
from routes.models import UNAMBIGUOUS, Booking, BookingSettings, CheckIn, Route, Slot
from search.indexing import rebuild as rebuild_search_index
from speakers.models import Organization, Position, Speaker

COUNTS = {
    "organizations": 1_000,
    "speakers": 2_000,
    "events": 5_000,
    "lessons": 300,
    "bookings": 100_000,
    "check_ins": 500_000,
}
SECTIONS, SPEECHES, GUESTS, PHOTOS = 3, 8, 10, 6  # per event
SLOT_DAYS = 365  # visiting times this many days back and ahead, at scale 1
EVENT_YEARS = 20  # events spread over this many years back …
EVENT_DAYS_AHEAD = 180  # … and this many days ahead
# 100,000 bookings in two years of two visits a day make some 70 bookings a visit: the bench
# route takes large groups, or the CHECK constraint would refuse the places they hold.
SLOT_CAPACITY = 1_000
BATCH = 2_000
MARKER = "bench_data_set"  # the table recording the data set built here
CONTENT = (Event, Lesson, Speaker, Organization, Route, Booking)
PUBLISHED = Publishable.Status.PUBLISHED
Status = Booking.Status


def scaled(count, scale):
    return max(1, round(count * scale))


@cache
def _traditional_part(text):
    return to_traditional(text)


def traditional(text):
    """``to_traditional(text)``, which converts the text between tags one part at a time:
    here each distinct part is converted once, for texts recombined from a few paragraphs."""
    return "".join(_traditional_part(part) for part in TAG.split(text))


def texts(model, **fields):
    """Column values of translated ``fields`` (``name=(simplified, english)``), with the
    Traditional text derived and remembered as ``save()`` would (``DerivesTraditional``)."""
    values, derived = {}, {}
    for name, (simplified, english) in fields.items():
        hant = traditional(simplified)
        values |= {f"{name}_zh_hans": simplified, f"{name}_zh_hant": hant, f"{name}_en": english}
        if hant:
            derived[name] = hant
    if "traditional_derived" in {field.name for field in model._meta.fields}:
        values["traditional_derived"] = derived
    assert set(fields) <= set(translated_field_names(model))
    return values


def sentences():
    """The seed article's sentences (Simplified), from the demo event, sections and speeches."""
    html = demo.EVENT["body"][0] + "".join(section["body"] for section in demo.SECTIONS)
    paragraphs = [strip_tags(p) for p in re.split(r"</p>|</h3>", html)]
    paragraphs += [speech["summary"][0] for speech in demo.SPEECHES]
    found = []
    for paragraph in paragraphs:
        found += [s + "。" for s in paragraph.split("。") if len(s) > 12 and "编者注" not in s]
    return found


# Words the generated names and titles are made of: (Simplified, English).
SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
    ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"),
    ("罗", "Luo"), ("高", "Gao"), ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"),
    ("唐", "Tang"), ("邓", "Deng"), ("冯", "Feng"), ("韩", "Han"), ("曹", "Cao"), ("彭", "Peng"),
    ("蔡", "Cai"), ("潘", "Pan"), ("董", "Dong"), ("袁", "Yuan"), ("叶", "Ye"), ("蒋", "Jiang"),
    ("沈", "Shen"), ("陆", "Lu"), ("金", "Jin"), ("顾", "Gu"), ("钱", "Qian"), ("倪", "Ni"),
    ("凌", "Ling"), ("费", "Fei"), ("孟", "Meng"), ("汪", "Wang"), ("姚", "Yao"), ("范", "Fan"),
]  # fmt: skip
GIVEN = [
    ("伟", "wei"), ("芳", "fang"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
    ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"),
    ("华", "hua"), ("玉", "yu"), ("红", "hong"), ("建", "jian"), ("文", "wen"), ("辉", "hui"),
    ("斌", "bin"), ("宇", "yu"), ("浩", "hao"), ("佳", "jia"), ("琪", "qi"), ("晨", "chen"),
    ("欣", "xin"), ("婷", "ting"), ("慧", "hui"), ("俊", "jun"), ("峰", "feng"), ("梅", "mei"),
    ("燕", "yan"), ("亮", "liang"), ("倩", "qian"), ("云", "yun"), ("芝", "zhi"), ("纯", "chun"),
]  # fmt: skip
BRANDS = [
    ("浦江", "Pujiang"), ("东方", "Dongfang"), ("金桥", "Jinqiao"), ("滨江", "Binjiang"),
    ("世纪", "Shiji"), ("明珠", "Mingzhu"), ("银城", "Yincheng"), ("花木", "Huamu"),
    ("张江", "Zhangjiang"), ("源深", "Yuanshen"), ("东昌", "Dongchang"), ("福山", "Fushan"),
    ("崂山", "Laoshan"), ("梅园", "Meiyuan"), ("松园", "Songyuan"), ("竹园", "Zhuyuan"),
    ("泰东", "Taidong"), ("荣城", "Rongcheng"), ("洋泾", "Yangjing"), ("潍坊", "Weifang"),
    ("塘桥", "Tangqiao"), ("南码头", "Nanmatou"), ("浦电", "Pudian"), ("商城", "Shangcheng"),
    ("星海", "Xinghai"), ("汇丰", "Huifeng"), ("紫金", "Zijin"), ("瑞安", "Rui'an"),
    ("锦绣", "Jinxiu"), ("华夏", "Huaxia"), ("远东", "Yuandong"), ("新华", "Xinhua"),
]  # fmt: skip
INDUSTRIES = [
    ("科技", "Technology"), ("金融信息服务", "Financial Information Services"),
    ("置业", "Real Estate"), ("物业管理", "Property Management"), ("文化传媒", "Culture and Media"),
    ("投资管理", "Investment Management"), ("医疗器械", "Medical Devices"),
    ("国际贸易", "International Trade"), ("软件", "Software"), ("建设工程", "Construction"),
    ("会展服务", "Exhibition Services"), ("律师事务所", "Law Firm"), ("餐饮管理", "Catering"),
    ("航运", "Shipping"), ("资产管理", "Asset Management"), ("咨询", "Consulting"),
]  # fmt: skip
KIND_NAMES = {
    "government": ("陆家嘴街道{b}社区事务受理中心", "Lujiazui {B} Community Service Centre"),
    "party": ("{b}{i}联合党委", "{B} {I} Joint Party Committee"),
    "state_enterprise": ("上海{b}{i}集团", "Shanghai {B} {I} Group"),
    "hospital": ("浦东新区{b}社区卫生服务中心", "Pudong {B} Community Health Centre"),
    "museum": ("{b}城市记忆馆", "{B} City Memory Hall"),
    "media": ("{b}新媒体中心", "{B} New Media Centre"),
    "enterprise": ("上海{b}{i}有限公司", "Shanghai {B} {I} Co., Ltd."),
    "residential_area": ("{b}{n}村居民区", "{B} Village {n} Residential Area"),
    "social": ("陆家嘴{b}志愿者协会", "Lujiazui {B} Volunteers' Association"),
}
KIND_SHARES = [
    ("enterprise", 50), ("social", 15), ("state_enterprise", 10), ("party", 8),
    ("government", 5), ("media", 3), ("hospital", 3), ("museum", 3),
]  # fmt: skip
RESIDENTIAL_AREAS = 31  # the "31" of the 1+31+N network
ROADS = [
    ("世纪大道", "Century Avenue"), ("银城中路", "Yincheng Road (M)"),
    ("陆家嘴环路", "Lujiazui Ring Road"), ("浦东南路", "Pudong Road (S)"),
    ("东昌路", "Dongchang Road"), ("福山路", "Fushan Road"), ("崂山路", "Laoshan Road"),
    ("张杨路", "Zhangyang Road"), ("浦东大道", "Pudong Avenue"), ("即墨路", "Jimo Road"),
]  # fmt: skip
TITLES = [
    ("书记", "Secretary"), ("副书记", "Deputy Secretary"),
    ("党支部书记", "Secretary of the Party Branch"), ("主任", "Director"),
    ("副主任", "Deputy Director"), ("总经理", "General Manager"), ("委员", "Member"),
    ("居委会主任", "Director of the Residents' Committee"), ("理事", "Council Member"),
    ("党群工作部部长", "Head of Party and Mass Work"), ("志愿者队长", "Volunteer Team Leader"),
]  # fmt: skip
ACTIVITIES = [
    ("主题党日活动", "theme party day", "party-day", "主题党日"),
    ("党建联席会议", "party-building joint meeting", "joint-meeting", "联席会议"),
    ("“四史”学习教育专题党课", "“four histories” lesson", "four-histories", "四史党课"),
    ("新时代文明实践志愿服务活动", "civilization volunteer day", "volunteer-day", "志愿服务"),
    ("“家门口”服务站开放日", "“on your doorstep” service station open day", "open-day", "开放日"),
    ("区域化党建项目签约仪式", "joint project signing", "project-signing", "项目签约"),
    ("红色路线寻访活动", "red route visit", "red-route-visit", "红色寻访"),
    ("党员先锋志愿服务", "party member volunteer service", "vanguard-service", "先锋服务"),
]  # fmt: skip
THEMES = [
    ("党建引领 多元参与 共建共享新时代人民之城", "Party building leads, many take part"),
    ("人民城市人民建、人民城市为人民", "A people's city built by and for the people"),
    ("不忘初心、牢记使命", "Stay true to our original aspiration"),
    ("共建美好陆家嘴、共谱发展新篇章", "Building a better Lujiazui together"),
]  # fmt: skip
LESSON_TOPICS = [
    ("浦东开发开放三十年", "Thirty years of Pudong's development"),
    ("从石库门到天安门", "From Shikumen to Tiananmen"),
    ("改革开放的陆家嘴样本", "Lujiazui, a case of reform and opening up"),
    ("社区治理的绣花功夫", "Community governance as fine as embroidery"),
    ("红色血脉与城市文脉", "Red heritage and the city's cultural heritage"),
    ("抗疫一线的党员先锋", "Party members on the front line of the epidemic"),
]  # fmt: skip
CAPTIONS = ["会议现场", "嘉宾合影", "主旨演讲", "启动仪式", "志愿者服务现场", "参观学习"]
DECLINED = "该时段已安排其他团体，请改约其他时间。"


SENTENCES = sentences()
# Statuses of bookings, with their weights, for past visits and for today's and later ones.
PAST_STATUSES = {Status.CONFIRMED: 88, Status.NO_SHOW: 4, Status.CANCELLED: 5, Status.DECLINED: 3}
COMING_STATUSES = {
    Status.PENDING: 30,
    Status.CONFIRMED: 55,
    Status.CANCELLED: 10,
    Status.DECLINED: 5,
}
SPEECH_ROLES = ["introduction", *["keynote"] * 5, "host", "remarks"]
SIZES = [*range(3, 21)] * 19 + [*range(21, 41)]  # people per group: mostly small


def bench_state():
    """``(is_bench, scale)``: whether this database was flushed by bench_data, and the scale
    of the set it holds once complete (None while building or after a failed build)."""
    if MARKER not in connection.introspection.table_names():
        return False, None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scale FROM {MARKER}")
        row = cursor.fetchone()
    return row is not None, float(row[0]) if row and row[0] is not None else None


def mark(scale):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (scale VARCHAR(40) NULL)")
        cursor.execute(f"DELETE FROM {MARKER}")
        cursor.execute(f"INSERT INTO {MARKER} (scale) VALUES (%s)", [scale and repr(scale)])


class Command(BaseCommand):
    help = (
        "Flush the database and build the large benchmark data set with bulk inserts "
        "(see README, 'Benchmarks'). Refuses a database with other content unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every count.")
        parser.add_argument("--seed", type=int, default=2020, help="Random seed.")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Do nothing when the database already holds a complete set of this scale.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Flush even a database with other content."
        )

    def handle(self, *args, scale, seed, reuse, force, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        is_bench, built = bench_state()
        if reuse and built == scale:
            self.stdout.write(f"The bench data set of scale {scale:g} is built already.")
            return
        has_content = any(model.objects.exists() for model in CONTENT)
        if has_content and not (is_bench or force):
            raise CommandError(
                "This database holds content that bench_data did not build, and building "
                "flushes it. Point DATABASE_URL at a database of its own, or pass --force."
            )
        self.scale, self.seed, self.rng = scale, seed, random.Random(seed)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        started = self.step_started = time.perf_counter()
        self.stdout.write(f"Building the bench data set, scale {scale:g}:")
        if has_content:
            call_command("flush", interactive=False, verbosity=0)
            ContentType.objects.clear_cache()  # the flush gave content types new ids
            self.step("flush")
        mark(None)
        if connection.vendor == "sqlite":  # far more is written than its default 2 MB cache holds
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            call_command("load_demo", no_accounts=True, stdout=io.StringIO())
            self.step("demo content (load_demo)")
            self.build()
            documents = sum(rebuild_search_index().values())
            self.step(f"search index ({documents:,} documents)")
        mark(scale)
        with connection.cursor() as cursor:  # planner statistics for the new rows
            cursor.execute("ANALYZE")
        self.step("planner statistics (ANALYZE)")
        self.report(time.perf_counter() - started)

    def step(self, what):
        now = time.perf_counter()
        self.stdout.write(f"  {what:<42} {now - self.step_started:6.1f} s")
        self.step_started = now

    def count(self, name):
        return scaled(COUNTS[name], self.scale)

    def report(self, elapsed):
        models = (Organization, Speaker, Position, Event, Section, Speech, Attendance, Photo)
        models += (Lesson, Route, Slot, Booking, CheckIn)
        for model in models:
            self.stdout.write(f"  {model.__name__:<13} {model.objects.count():>9,}")
        self.stdout.write(self.style.SUCCESS(f"Bench data set built in {elapsed:.1f} s."))

    # ------------------------------------------------------------------ content

    def build(self):
        self.paragraphs = [self.sentences(3) for _ in range(200)]
        self.pictures()
        self.organizations = [*Organization.objects.all(), *self.make_organizations()]
        self.step("organizations")
        new_speakers = self.make_speakers()
        self.speakers = [*Speaker.objects.exclude(pk__in=[s.pk for s in new_speakers])]
        self.speakers += new_speakers
        self.positions = {}
        for position in [*Position.objects.all(), *self.make_positions(new_speakers)]:
            self.positions.setdefault(position.speaker_id, []).append(position)
        self.step("people and positions")
        events, english = self.make_events()
        self.step("events")
        self.make_event_parts(events, english)
        self.step("sections, speeches, guests, photos")
        self.make_lessons()
        self.step("lessons")
        self.make_visits()

    def pictures(self):
        """A photo and a portrait saved the normal way, which makes their renditions (the
        rows are deleted again); every picture of the set reuses these files."""
        image = Image.new("RGB", (1600, 1067))
        draw = ImageDraw.Draw(image)
        for y in range(0, image.height, 8):  # bands of colour: a JPEG of a realistic size
            draw.rectangle([0, y, image.width, y + 8], fill=(150 + y % 100, 20 + y % 80, 40))
        data = io.BytesIO()
        image.save(data, "JPEG", quality=85)
        storage = Photo.image.field.storage
        for name in ("events/bench.jpg", "speakers/bench.jpg"):
            storage.delete(name)  # one copy each, however often the set is rebuilt
        with disable_auditlog():
            event = Event(slug="bench-picture", start=self.now, **texts(Event, title=("图", "")))
            event.cover = SimpleUploadedFile("bench.jpg", data.getvalue())
            event.save()
            person = Speaker(slug="bench-portrait", **texts(Speaker, name=("像", "")))
            person.photo = SimpleUploadedFile("bench.jpg", data.getvalue())
            person.save()
            self.photo = {"name": event.cover.name, "renditions": event.cover_renditions}
            self.portrait = {"name": person.photo.name, "renditions": person.photo_renditions}
            event.delete()
            person.delete()
        if not (self.photo["renditions"] and self.portrait["renditions"]):
            raise CommandError("No renditions were made of the bench picture; see the log.")

    def picture(self, field, picture, share):
        if self.rng.random() >= share:
            return {}
        return {field: picture["name"], f"{field}_renditions": picture["renditions"]}

    def pick_name(self):
        surname, surname_en = self.rng.choice(SURNAMES)
        given = self.rng.sample(GIVEN, self.rng.choice([1, 2, 2]))
        name = surname + "".join(char for char, _ in given)
        return name, f"{surname_en} {''.join(sound for _, sound in given).capitalize()}"

    def sentences(self, count):
        return "".join(self.rng.sample(SENTENCES, count))

    def make_organizations(self):
        count = self.count("organizations")
        kinds = [kind for kind, share in KIND_SHARES for _ in range(share)]
        combos = list(itertools.product(BRANDS, INDUSTRIES))
        self.rng.shuffle(combos)
        organizations = []
        for i in range(count):
            kind = (
                "residential_area" if i < min(RESIDENTIAL_AREAS, count) else self.rng.choice(kinds)
            )
            (brand, brand_en), (industry, industry_en) = combos[i % len(combos)]
            pattern, pattern_en = KIND_NAMES[kind]
            n = i % 5 + 1
            name = pattern.format(b=brand, i=industry, n="一二三四五"[n - 1])
            english = self.rng.random() < 0.5
            name_en = pattern_en.format(B=brand_en, I=industry_en, n=n) if english else ""
            road, road_en = self.rng.choice(ROADS)
            number = self.rng.randint(1, 2000)
            description = self.sentences(2) if self.rng.random() < 0.6 else ""
            organizations.append(
                Organization(
                    slug=f"组织-{i}" if i % 20 == 7 else f"org-{i}",
                    kind=kind,
                    is_council_member=self.rng.random() < 0.08,
                    is_practice_point=kind != "residential_area" and self.rng.random() < 0.05,
                    **self.picture("logo", self.portrait, 0.2),
                    **texts(
                        Organization,
                        name=(name, name_en),
                        short_name=(f"{brand}{industry}" if kind == "enterprise" else "", ""),
                        description=(description, ""),
                        address=(
                            f"浦东新区{road}{number}号",
                            f"{number} {road_en}, Pudong New Area" if english else "",
                        ),
                    ),
                )
            )
        return Organization.objects.bulk_create(organizations, batch_size=BATCH)

    def make_speakers(self):
        speakers = []
        for i in range(self.count("speakers")):
            name, name_en = self.pick_name()
            english = self.rng.random() < 0.7
            slug = f"{name}-{i}" if i % 10 == 3 else f"{name_en.lower().replace(' ', '-')}-{i}"
            speakers.append(
                Speaker(
                    slug=slug,
                    **self.picture("photo", self.portrait, 0.3),
                    **texts(
                        Speaker,
                        name=(name, name_en if english else ""),
                        biography=(self.sentences(2) if self.rng.random() < 0.4 else "", ""),
                    ),
                )
            )
        return Speaker.objects.bulk_create(speakers, batch_size=BATCH)

    def make_positions(self, speakers):
        positions = []
        for speaker in speakers:
            for order in range(self.rng.choice([1, 1, 2, 3])):
                title, title_en = self.rng.choice(TITLES)
                start = end = None
                if self.rng.random() < 0.4:  # dated, some ended: pages pick them by the day
                    start = self.today - datetime.timedelta(days=self.rng.randint(400, 7000))
                    if self.rng.random() < 0.5:
                        end = start + datetime.timedelta(days=self.rng.randint(100, 2000))
                positions.append(
                    Position(
                        speaker=speaker,
                        organization=self.rng.choice(self.organizations),
                        start_date=start,
                        end_date=end,
                        order=order,
                        **texts(Position, title=(title, title_en)),
                    )
                )
        return Position.objects.bulk_create(positions, batch_size=BATCH)

    def publishing(self, moment):
        """Status and publish date: mostly published at ``moment`` (never in the future);
        a few scheduled, submitted for review or drafts."""
        roll = self.rng.random()
        if roll < 0.03:
            return PUBLISHED, self.now + datetime.timedelta(days=self.rng.randint(1, 30))
        if roll < 0.05:
            return Publishable.Status.SUBMITTED, self.now
        if roll < 0.10:
            return Publishable.Status.DRAFT, self.now
        return PUBLISHED, min(moment, self.now - datetime.timedelta(hours=1))

    def make_events(self):
        count = self.count("events")
        shanghai = timezone.get_current_timezone()
        first = self.now - datetime.timedelta(days=365 * EVENT_YEARS)
        step = datetime.timedelta(days=365 * EVENT_YEARS + EVENT_DAYS_AHEAD) / count
        events, english = [], []
        for i in range(count):
            day = timezone.localtime(first + step * i, shanghai).date()
            start = datetime.datetime.combine(
                day, datetime.time(*self.rng.choice([(9, 30), (14, 0), (18, 30)])), shanghai
            )
            activity, activity_en, slug_en, slug_zh = self.rng.choice(ACTIVITIES)
            host = self.rng.choice(self.organizations)
            in_english = self.rng.random() < 0.35
            theme = self.rng.choice(THEMES) if self.rng.random() < 0.5 else ("", "")
            status, publish_at = self.publishing(start + datetime.timedelta(days=1))
            title = f"{host.short_name or host.name}举办{day.year}年{activity}"
            title_en = f"{host.name_en or host.name} holds its {day.year} {activity_en}"
            body = "".join(f"<p>{p}</p>" for p in self.rng.sample(self.paragraphs, 4))
            slug = f"{day.year}年{slug_zh}-{i}" if i % 20 == 11 else f"{day:%Y-%m}-{slug_en}-{i}"
            events.append(
                Event(
                    slug=slug,
                    start=start,
                    start_time_known=self.rng.random() < 0.85,
                    end=start + datetime.timedelta(hours=2) if self.rng.random() < 0.6 else None,
                    status=status,
                    publish_at=publish_at,
                    replay_url=f"https://live.example.cn/replay/{i}" if i % 10 == 0 else "",
                    **self.picture("cover", self.photo, 0.8),
                    **texts(
                        Event,
                        title=(title, title_en if in_english else ""),
                        theme=(theme[0], theme[1] if in_english else ""),
                        summary=(self.sentences(2), ""),
                        body=(body, ""),
                        venue=(host.name, host.name_en if in_english else ""),
                        source=("陆家嘴党建", "Lujiazui Party Building" if in_english else ""),
                        cover_alt=(self.rng.choice(CAPTIONS), ""),
                        editors=("、".join(self.pick_name()[0] for _ in range(2)), ""),
                    ),
                )
            )
            english.append(in_english)
        events = Event.objects.bulk_create(events, batch_size=BATCH)
        # One or two organizers each; a few organizations organize many events.
        weights = [1 / (rank + 10) for rank in range(len(self.organizations))]
        Through = Event.organizers.through
        links = []
        for event in events:
            for org in set(self.rng.choices(self.organizations, weights, k=2)):
                links.append(Through(event_id=event.pk, organization_id=org.pk))
        Through.objects.bulk_create(links, batch_size=BATCH)
        return events, english

    def make_event_parts(self, events, english):
        sections = []
        for n, event in enumerate(events):
            for order in range(1, SECTIONS + 1):
                title, title_en = demo.SECTIONS[(n + order) % len(demo.SECTIONS)]["title"]
                sections.append(
                    Section(
                        event_id=event.pk,
                        order=order,
                        **texts(
                            Section,
                            title=(title, title_en if english[n] else ""),
                            body=(f"<p>{self.rng.choice(self.paragraphs)}</p>", ""),
                        ),
                    )
                )
        sections = Section.objects.bulk_create(sections, batch_size=BATCH)
        speeches, guests, photos = [], [], []
        for n, event in enumerate(events):
            own = sections[n * SECTIONS : (n + 1) * SECTIONS]
            # Speakers and guests are different people, unless there are too few (tiny scales).
            people = self.rng.sample(self.speakers, min(len(self.speakers), SPEECHES + GUESTS))
            for order, (role, speaker) in enumerate(
                zip(SPEECH_ROLES, people[:SPEECHES], strict=True), start=1
            ):
                section = {"introduction": own[0], "keynote": self.rng.choice(own[1:])}
                section = section.get(role, None if n % 4 == 0 else own[-1])
                speech = self.rng.choice(demo.SPEECHES)
                title, summary = (
                    (speech[name][0], speech[name][1] if english[n] else "")
                    for name in ("title", "summary")
                )
                speeches.append(
                    Speech(
                        event_id=event.pk,
                        speaker_id=speaker.pk,
                        section_id=section and section.pk,
                        role=role,
                        order=order,
                        position_id=self.position_of(speaker),
                        **texts(Speech, title=title, summary=summary),
                    )
                )
            for order, speaker in enumerate(people[-GUESTS:], start=1):
                guests.append(
                    Attendance(
                        event_id=event.pk,
                        speaker_id=speaker.pk,
                        order=order,
                        position_id=self.position_of(speaker),
                    )
                )
            for order in range(PHOTOS):
                photos.append(
                    Photo(
                        event_id=event.pk,
                        order=order,
                        image=self.photo["name"],
                        image_renditions=self.photo["renditions"],
                        **texts(Photo, caption=(CAPTIONS[order % len(CAPTIONS)], "")),
                    )
                )
        for model, rows in ((Speech, speeches), (Attendance, guests), (Photo, photos)):
            model.objects.bulk_create(rows, batch_size=BATCH)

    def position_of(self, speaker):
        """Half the appearances name the position held then; the others show every position
        held on the day of the event."""
        held = self.positions.get(speaker.pk)
        return self.rng.choice(held).pk if held and self.rng.random() < 0.5 else None

    def make_lessons(self):
        lessons = []
        series = [value for value, _label in Lesson.Series.choices]
        for i in range(self.count("lessons")):
            topic, topic_en = self.rng.choice(LESSON_TOPICS)
            moment = self.now - datetime.timedelta(days=self.rng.randint(1, 6 * 365))
            status, publish_at = self.publishing(moment)
            in_english = self.rng.random() < 0.35
            lessons.append(
                Lesson(
                    slug=f"lesson-{i}",
                    series=self.rng.choice(series),
                    speaker=self.rng.choice(self.speakers) if self.rng.random() < 0.7 else None,
                    video_url=f"https://video.example.cn/lessons/{i}",
                    duration=datetime.timedelta(minutes=self.rng.randint(15, 45)),
                    status=status,
                    publish_at=publish_at,
                    **self.picture("cover", self.photo, 0.7),
                    **texts(
                        Lesson,
                        title=(
                            f"“四史”云党课：{topic}（{i + 1}）",
                            f"{topic_en} ({i + 1})" if in_english else "",
                        ),
                        summary=(self.sentences(2), ""),
                    ),
                )
            )
        Lesson.objects.bulk_create(lessons, batch_size=BATCH)

    # ------------------------------------------------------------------ the red route

    def make_visits(self):
        route = Route.objects.get(slug=demo_route.ROUTE["slug"])
        stops = list(route.stops.order_by("number"))
        route.stops.update(photo=self.photo["name"], photo_renditions=self.photo["renditions"])
        route.opening_rules.update(capacity=SLOT_CAPACITY)
        slots = self.make_slots(route)
        self.step(f"slots ({len(slots):,})")
        bookings = self.make_bookings(slots)
        self.step("bookings")
        past = {slot.pk for slot in slots if slot.date < self.today}
        self.make_check_ins([b for b in bookings if b.slot_id in past], stops)
        self.step("check-ins")

    def make_slots(self, route):
        """Every visiting time of the opening rules, a year back and a year ahead (scaled);
        those that exist already (the demo's booking for today) are left alone."""
        days = max(1, round(SLOT_DAYS * self.scale))
        rules = list(route.opening_rules.all())
        existing = set(route.slots.values_list("date", "start_time"))
        slots = []
        for offset in range(-days, days + 1):
            day = self.today + datetime.timedelta(days=offset)
            for rule in rules:
                if rule.applies_on(day) and (day, rule.start_time) not in existing:
                    slots.append(
                        Slot(
                            route=route,
                            date=day,
                            start_time=rule.start_time,
                            end_time=rule.end_time,
                            capacity=SLOT_CAPACITY,
                        )
                    )
        return slots  # saved with their bookings, once the places they take are known

    def make_bookings(self, slots):
        """Half the bookings in past visits, half in today's and later ones, spread evenly.
        A booking that holds places takes them only where they fit; one that would not fit
        is declined, as staff would, so that places taken always match the bookings."""
        count = self.count("bookings")
        past = [slot for slot in slots if slot.date < self.today]
        coming = [slot for slot in slots if slot.date >= self.today]
        rules = BookingSettings.load()
        purge_before = self.today - datetime.timedelta(days=rules.retention_days)
        references = set(Booking.objects.values_list("reference", flat=True))
        specs = []
        for i in range(count):
            pool, statuses = (
                (past, PAST_STATUSES) if i < count // 2 and past else (coming, COMING_STATUSES)
            )
            slot = pool[i % len(pool)]
            status = self.rng.choices(list(statuses), list(statuses.values()))[0]
            size = self.rng.choice(SIZES)
            if status in Booking.HOLDS_PLACES:
                if slot.places_taken + size > slot.capacity:
                    status = Status.DECLINED
                else:
                    slot.places_taken += size
            specs.append((slot, status, size))
        Slot.objects.bulk_create(slots, batch_size=BATCH)
        languages = ["zh-hans"] * 17 + ["zh-hant"] * 2 + ["en"]
        bookings = []
        for i, (slot, status, size) in enumerate(specs):
            reference = self.reference(references)
            purged = slot.date < purge_before
            contact, _english = self.pick_name()
            visit = datetime.datetime.combine(slot.date, slot.start_time, self.now.tzinfo)
            bookings.append(
                Booking(
                    reference=reference,
                    slot_id=slot.pk,
                    status=status,
                    organization_name=f"{self.rng.choice(self.organizations).name}党支部",
                    contact_name="" if purged else contact,
                    contact_phone="" if purged else f"139{i:08d}",
                    contact_email="" if purged or i % 3 else f"visit{i}@example.cn",
                    group_size=size,
                    needs_guide=i % 5 < 2,
                    note="" if purged or i % 5 else "希望安排讲解员，谢谢。",
                    language=self.rng.choice(languages),
                    consent_at=visit - datetime.timedelta(days=self.rng.randint(2, 50)),
                    consent_version=rules.privacy_notice_version,
                    decline_reason=DECLINED if status == Status.DECLINED and not purged else "",
                    token_hash=hashlib.sha256(f"bench-{self.seed}-{i}".encode()).hexdigest(),
                    purged_at=visit + datetime.timedelta(days=rules.retention_days)
                    if purged
                    else None,
                )
            )
        return Booking.objects.bulk_create(bookings, batch_size=BATCH)

    def reference(self, taken):
        while True:
            reference = "".join(self.rng.choices(UNAMBIGUOUS, k=8))
            if reference not in taken:
                taken.add(reference)
                return reference

    def make_check_ins(self, past_bookings, stops):
        """Confirmed groups of past visits checked in at most of the stops, as many check-ins
        in all as asked for (at most one per booking and stop)."""
        done = [b for b in past_bookings if b.status == Status.CONFIRMED]
        if not done:
            return
        each, extra = divmod(self.count("check_ins"), len(done))
        check_ins = []
        for n, booking in enumerate(done):
            at = self.rng.sample(stops, min(len(stops), each + (n < extra)))
            check_ins += [CheckIn(booking_id=booking.pk, stop_id=stop.pk) for stop in at]
        CheckIn.objects.bulk_create(check_ins, batch_size=BATCH * 5)
