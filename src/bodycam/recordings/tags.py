"""What the probe keeps of the tags a file carries, for video and photos alike.

Values are cut to TAG_LIMIT characters; a position is kept only when it is a real place.
"""

import math
import re

TAG_LIMIT = 500

_ISO6709 = re.compile(r"\s*([+-])(\d+)(\.\d*)?([+-])(\d+)(\.\d*)?")


def parse_iso6709(text: str) -> tuple[float, float] | None:
    """Latitude and longitude from ISO 6709 ("+31.2304+121.4737/", also DDMM and DDMMSS)."""
    match = _ISO6709.match(text)
    if not match:
        return None
    lat_sign, lat_int, lat_frac, lon_sign, lon_int, lon_frac = match.groups()
    lat = _sexagesimal(lat_int, lat_frac or "", 2)
    lon = _sexagesimal(lon_int, lon_frac or "", 3)
    if lat is None or lon is None:
        return None
    return plausible(-lat if lat_sign == "-" else lat, -lon if lon_sign == "-" else lon)


def _sexagesimal(whole: str, fraction: str, degree_digits: int) -> float | None:
    extra = len(whole) - degree_digits
    if extra <= 0:
        return float(whole + fraction)
    if extra == 2:
        return int(whole[:-2]) + float(whole[-2:] + fraction) / 60
    if extra == 4:
        return int(whole[:-4]) + int(whole[-4:-2]) / 60 + float(whole[-2:] + fraction) / 3600
    return None


def plausible(lat: float, lon: float) -> tuple[float, float] | None:
    """(lat, lon) rounded to 7 decimals (about 1 cm), or None when it is no real position."""
    # Recorders without a satellite fix write 0,0; that is "unknown", not the Gulf of Guinea.
    if not (math.isfinite(lat) and abs(lat) <= 90 and math.isfinite(lon) and abs(lon) <= 180):
        return None
    if (lat, lon) == (0.0, 0.0):
        return None
    return round(lat, 7), round(lon, 7)
