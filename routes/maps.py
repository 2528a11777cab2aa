"""Maps for the red route without any map service: a schematic SVG drawn on the server, and
plain links that open a stop in AMap (高德地图).

Coordinates are stored with their system (``Stop.coordinate_system``). Mainland maps, AMap
included, use GCJ-02; WGS-84 (GPS) and BD-09 (Baidu) positions lie a few hundred metres
away from it in Shanghai, which on a 2 km route would put a pin on the wrong street. The
schematic map therefore converts every stop to GCJ-02 first (the published approximations,
good to a few metres), then projects equirectangularly: longitudes are scaled by the cosine
of the middle latitude, so that a kilometre east is as long as a kilometre north.
"""

import math
from dataclasses import dataclass
from urllib.parse import quote, urlencode

AMAP_MARKER = "https://uri.amap.com/marker"

# The schematic map's drawing box, in SVG user units; the page scales it to its width.
WIDTH = 400
PADDING = 28
MIN_HEIGHT = 180
MAX_HEIGHT = 480

# Krasovsky 1940 ellipsoid, as used by GCJ-02.
_A = 6378245.0
_EE = 0.00669342162296594323


@dataclass(frozen=True)
class Pin:
    x: float
    y: float
    stop: object


@dataclass(frozen=True)
class RouteMap:
    width: int
    height: int
    pins: list

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"

    @property
    def points(self):
        """The polyline through the pins in stop order, for ``<polyline points=…>``."""
        return " ".join(f"{pin.x:.1f},{pin.y:.1f}" for pin in self.pins)


def _out_of_china(latitude, longitude):
    return not (72.004 <= longitude <= 137.8347 and 0.8293 <= latitude <= 55.8271)


def _shift_latitude(x, y):
    shift = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    shift += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    shift += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2 / 3
    return shift


def _shift_longitude(x, y):
    shift = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    shift += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    shift += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    return shift


def wgs84_to_gcj02(latitude, longitude):
    """GPS coordinates as mainland maps show them (unchanged outside China)."""
    if _out_of_china(latitude, longitude):
        return latitude, longitude
    d_latitude = _shift_latitude(longitude - 105.0, latitude - 35.0)
    d_longitude = _shift_longitude(longitude - 105.0, latitude - 35.0)
    radians = latitude / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radians) ** 2
    root = math.sqrt(magic)
    d_latitude = (d_latitude * 180.0) / ((_A * (1 - _EE)) / (magic * root) * math.pi)
    d_longitude = (d_longitude * 180.0) / (_A / root * math.cos(radians) * math.pi)
    return latitude + d_latitude, longitude + d_longitude


def bd09_to_gcj02(latitude, longitude):
    """Baidu coordinates back to GCJ-02."""
    x, y = longitude - 0.0065, latitude - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * math.pi * 3000.0 / 180.0)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * math.pi * 3000.0 / 180.0)
    return z * math.sin(theta), z * math.cos(theta)


def gcj02_position(stop):
    """``(latitude, longitude)`` of the stop in GCJ-02 as floats, or None without both."""
    if stop.latitude is None or stop.longitude is None:
        return None
    latitude, longitude = float(stop.latitude), float(stop.longitude)
    if stop.coordinate_system == "wgs84":
        return wgs84_to_gcj02(latitude, longitude)
    if stop.coordinate_system == "bd09":
        return bd09_to_gcj02(latitude, longitude)
    return latitude, longitude


def amap_url(stop, name=None):
    """A link that opens the stop as a marker in AMap (the app when installed, else the web).

    ``coordinate=gaode`` for GCJ-02 as stored and ``coordinate=wgs84`` for GPS positions (AMap
    converts those itself). AMap's URI API takes no Baidu (BD-09) coordinates, so a stop
    stored as BD-09 gets no link (None), as does a stop without coordinates; the page then
    shows only the address. ``callnative=0`` keeps the link on the web page instead of
    asking to open the app. It is a plain link: the page loads nothing from AMap.
    """
    if stop.latitude is None or stop.longitude is None:
        return None
    systems = {"gcj02": "gaode", "wgs84": "wgs84"}
    if stop.coordinate_system not in systems:
        return None
    query = urlencode(
        {
            "position": f"{stop.longitude},{stop.latitude}",
            "name": name if name is not None else stop.name,
            "coordinate": systems[stop.coordinate_system],
            "callnative": "0",
        },
        safe=",",
        quote_via=quote,
    )
    return f"{AMAP_MARKER}?{query}"


def route_map(stops):
    """The schematic map of ``stops`` (in route order), or None if none has coordinates.

    Stops without coordinates are left off; the ordered list on the page names them all.
    """
    located = [(stop, gcj02_position(stop)) for stop in stops]
    located = [(stop, position) for stop, position in located if position is not None]
    if not located:
        return None
    latitudes = [position[0] for _stop, position in located]
    middle = math.radians((min(latitudes) + max(latitudes)) / 2)
    # Projected so that one unit is the same distance in both directions; y grows southwards.
    projected = [
        (longitude * math.cos(middle), -latitude) for _stop, (latitude, longitude) in located
    ]
    xs = [x for x, _y in projected]
    ys = [y for _x, y in projected]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    inner_width = WIDTH - 2 * PADDING
    inner_height = MAX_HEIGHT - 2 * PADDING
    scales = [inner_width / span_x if span_x else math.inf]
    scales.append(inner_height / span_y if span_y else math.inf)
    scale = min(scales) if min(scales) != math.inf else 0
    height = round(max(MIN_HEIGHT, span_y * scale + 2 * PADDING))
    offset_x = (WIDTH - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2
    pins = [
        Pin(
            x=offset_x + (x - min(xs)) * scale,
            y=offset_y + (y - min(ys)) * scale,
            stop=stop,
        )
        for (stop, _position), (x, y) in zip(located, projected, strict=True)
    ]
    return RouteMap(width=WIDTH, height=height, pins=pins)
