"""Units written after an answer: a canonical key for the common ones, so "12 cm" and "12 m" differ.

Normalization strips units ("12 cm" -> "12") so that an answer with a unit matches a gold without
one. When *both* sides carry a unit this module tells whether they are the same unit: ``unit_key``
gives a canonical key ("cm", "m^2", "h", "mi/h") for a unit it knows, and "" for no unit, a unit
it does not know ("units", "apples", "square units") or several different units. Only two known,
different keys of different quantities make a pair incorrect ("12 cm" vs "12 s"); two keys of one
quantity are converted exactly (``unit_ratio``: "1200 cm" is "12 m", "2 h" is "120 min", "1 l" is
"1000 cm^3"). Months and years have no fixed length and are converted to nothing.
"""

from __future__ import annotations

import re
from fractions import Fraction

__all__ = ["unit_key", "unit_ratio", "UNIT_WORDS", "PLAIN_UNIT", "GLUED_UNIT", "CJK_UNIT"]

# Unit words stripped after an answer's maths (eval.checker._normalize), and read as no prose (_extract).
UNIT_WORDS = (
    r"m/s|km/h|mi/h|mph|kph|"
    r"units?|square\s+units|sq\.?\s*units|cm|mm|km|m|meters?|metres?|centimeters?|kilometers?|"
    r"inches|inch|in|feet|foot|ft|yards?|yd|miles?|mi|mph|hours?|hrs?|minutes?|mins?|seconds?|secs?|s|"
    r"days?|weeks?|months?|years?|dollars?|cents?|degrees?|deg|radians?|rad|kg|mg|g|grams?|pounds?|lbs?|oz|ounces?|"
    r"liters?|litres?|l|L|ml|mL|gallons?|gal|ft/s|people|persons?|students?|ways|points?|percent|sq\s*ft|sq\s*in|"
    r"kN|kJ|kW|kWh|Pa|kPa|MPa|Hz|kHz|MHz|GHz|eV|mol|psi|mpg|kmph|rpm|kilowatt[\s-]hours?|mHz|mPa|millihertz|millipascals?"
)
# After a number, any unit word; after pi ("2\\pi cm") only one of two letters or more that is no
# preposition, since "\\pi m" and "\\pi s" are multiples with an integer parameter.
PLAIN_UNIT = re.compile(
    r"(?:(?<=[\d}\)])|(?<=\\pi)(?=\s+(?!in\b)[A-Za-z]{2}))\s+(?:" + UNIT_WORDS
    + r")\.?(?:\s*\^\s*\{?\s*[23]\s*\}?)?\.?\s*$"
)
# A unit word of four letters or more glued to the number ("10weeks"); a short one ("10m", "5cm") is not
# stripped when glued, since it may be a product with a variable.
GLUED_UNIT = re.compile(
    r"(?<=\d)(?:units?|meters?|metres?|centimeters?|kilometers?|inch(?:es)?|feet|foot|yards?|miles?|hours?|"
    r"minutes?|seconds?|days|weeks?|months?|years?|dollars?|cents|grams?|pounds?|liters?|"
    r"litres?|gallons?)\.?\s*$"
)

_BASES = {
    "mm": ("mm", "millimeter", "millimeters", "millimetre", "millimetres"),
    "cm": ("cm", "centimeter", "centimeters", "centimetre", "centimetres"),
    "m": ("m", "meter", "meters", "metre", "metres"),
    "km": ("km", "kilometer", "kilometers", "kilometre", "kilometres"),
    "in": ("in", "inch", "inches"),
    "ft": ("ft", "foot", "feet"),
    "yd": ("yd", "yard", "yards"),
    "mi": ("mi", "mile", "miles"),
    "mg": ("mg", "milligram", "milligrams"),
    "g": ("g", "gram", "grams"),
    "kg": ("kg", "kilogram", "kilograms"),
    "lb": ("lb", "lbs", "pound", "pounds"),
    "oz": ("oz", "ounce", "ounces"),
    "ml": ("ml", "milliliter", "milliliters", "millilitre", "millilitres"),
    "l": ("l", "liter", "liters", "litre", "litres"),
    "gal": ("gal", "gallon", "gallons"),
    "s": ("s", "sec", "secs", "second", "seconds"),
    "min": ("min", "mins", "minute", "minutes"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "day": ("day", "days"),
    "week": ("week", "weeks"),
    "month": ("month", "months"),
    "year": ("yr", "yrs", "year", "years"),
    "mi/h": ("mph", "mi/h", "mi/hr", "miles per hour", "mile per hour"),
    "km/h": ("km/h", "km/hr", "kph", "kmh", "kmph", "kilometers per hour", "kilometres per hour"),
    "mi/gal": ("mpg", "mi/gal", "miles per gallon"),  # fuel economy: no speed, whatever its letters
    "rpm": ("rpm", "revolutions per minute"),
    "m/s": ("m/s", "meters per second", "metres per second"),
    "ft/s": ("ft/s", "feet per second", "foot per second"),
    "rad": ("rad", "rads", "radian", "radians"),
    "dollar": ("dollar", "dollars", "usd"),
    "cent": ("cent", "cents"),
    # Units of other quantities, kept apart by their keys (no conversions): "5 kJ" is no "5 kW".
    "kN": ("kn", "kilonewton", "kilonewtons"),
    "kJ": ("kj", "kilojoule", "kilojoules"),
    "kW": ("kw", "kilowatt", "kilowatts"),
    "kWh": ("kwh", "kilowatt hour", "kilowatt hours", "kilowatt-hour", "kilowatt-hours"),
    "Pa": ("pa", "pascal", "pascals"),
    "kPa": ("kpa", "kilopascal", "kilopascals"),
    "MPa": ("mpa", "megapascal", "megapascals"),
    "Hz": ("hz", "hertz"),
    "kHz": ("khz", "kilohertz"),
    "MHz": ("mhz", "megahertz"),
    "GHz": ("ghz", "gigahertz"),
    "mHz": ("millihertz",),
    "mPa": ("millipascal", "millipascals"),
    "eV": ("ev", "electronvolt", "electronvolts"),
    "mol": ("mol", "mole", "moles"),
    "psi": ("psi",),
}
# Chinese units and measure words after a number ("12米", "40 厘米", "5个"): the units have keys
# (_BASES), a measure word is stripped as a unit with none.
CJK_UNIT = re.compile(
    r"(?<=[\d}\)])\s*(毫米|厘米|千米|公里|米|毫克|千克|公斤|克|毫升|升|秒|分钟|小时|天|周|年|元|"
    r"个|只|本|条|张|件|块|人|次|种|页|辆|台|份|颗|位|名|支|朵|棵|盒|瓶|杯|度)\s*$"
)
_CJK_KEYS = {"毫米": "mm", "厘米": "cm", "千米": "km", "公里": "km", "米": "m", "毫克": "mg", "千克": "kg",
             "公斤": "kg", "克": "g", "毫升": "ml", "升": "l", "秒": "s", "分钟": "min", "小时": "h", "天": "day",
             "周": "week", "年": "year"}
# Symbols whose lower-case m means milli and upper-case M mega: the case decides, not the lookup.
_MILLI_OR_MEGA = {"mhz": "Hz", "mpa": "Pa"}
_CANONICAL = {name: key for key, names in _BASES.items() for name in names} | _CJK_KEYS
_WRAPPER = re.compile(r"\\(?:text|mbox|mathrm|textrm)\s*\{([^{}]*)\}")
_POWER = re.compile(r"\^\s*\{?\s*([23])\s*\}?\s*$")
_SQUARE = re.compile(r"^(?:square|sq\.?)\s+")
_CUBIC = re.compile(r"^(?:cubic|cu\.?)\s+")


def _one_key(text: str) -> str:
    """The canonical key of one unit text ("\\text{ cm}^2" -> "cm^2"), or "" when not known."""
    s = _WRAPPER.sub(r" \1 ", text)
    power = ""
    m = _POWER.search(s)
    if m:
        power, s = m.group(1), s[: m.start()]
    s = re.sub(r"\s+", " ", s.replace("{", " ").replace("}", " ")).strip().rstrip(".").strip()
    if s[:1] == "m" and s.lower() in _MILLI_OR_MEGA:  # SI case: "mHz" is millihertz, "MHz" megahertz
        s = "m" + _MILLI_OR_MEGA[s.lower()]
        return f"{s}^{power}" if power else s
    s = s.lower()
    for prefix, exp in ((_SQUARE, "2"), (_CUBIC, "3")):
        if prefix.match(s):
            if power:
                return ""
            s, power = prefix.sub("", s), exp
    base = _CANONICAL.get(s)
    if base is None:
        return ""
    # "m/s^2" is a unit too (an acceleration): a key of its own, never the speed's (sizes: unit_ratio)
    return f"{base}^{power}" if power else base


def unit_key(texts) -> str:
    """One canonical key for the unit texts stripped from an answer; "" for none, unknown or mixed."""
    keys = {_one_key(t) for t in texts}
    return keys.pop() if len(keys) == 1 else ""


# Each key's quantity and its size in that quantity's base unit (exact: the inch is 2.54 cm, the pound
# 0.45359237 kg, the US gallon 231 cubic inches). Volumes are cubic lengths, so "1 ml" is "1 cm^3".
_F = Fraction
_INCH = _F(254, 10_000)
_SIZES = {
    "mm": ("length", _F(1, 1000)), "cm": ("length", _F(1, 100)), "m": ("length", _F(1)),
    "km": ("length", _F(1000)), "in": ("length", _INCH), "ft": ("length", 12 * _INCH),
    "yd": ("length", 36 * _INCH), "mi": ("length", 63_360 * _INCH),
    "mg": ("mass", _F(1, 1000)), "g": ("mass", _F(1)), "kg": ("mass", _F(1000)),
    "lb": ("mass", _F(45_359_237, 100_000)), "oz": ("mass", _F(45_359_237, 1_600_000)),
    "ml": ("length^3", _F(1, 10**6)), "l": ("length^3", _F(1, 1000)), "gal": ("length^3", 231 * _INCH**3),
    "s": ("time", _F(1)), "min": ("time", _F(60)), "h": ("time", _F(3600)), "day": ("time", _F(86_400)),
    "week": ("time", _F(604_800)),
    "m/s": ("speed", _F(1)), "km/h": ("speed", _F(1000, 3600)), "mi/h": ("speed", 63_360 * _INCH / 3600),
    "ft/s": ("speed", 12 * _INCH),
    "dollar": ("money", _F(100)), "cent": ("money", _F(1)),
}


def _size(key: str) -> tuple[str, Fraction] | None:
    base, _, power = key.partition("^")
    size = _SIZES.get(base)
    if size is None or (power and size[0] != "length"):
        return None
    n = int(power) if power else 1
    return (size[0] if n == 1 else f"length^{n}"), size[1] ** n


def unit_ratio(from_key: str, to_key: str) -> Fraction | None:
    """How many ``to_key`` units one ``from_key`` unit is ("cm", "m" -> 1/100), or None when the two
    keys measure different quantities or one has no fixed size (months, years, radians)."""
    a, b = _size(from_key), _size(to_key)
    if a is None or b is None or a[0] != b[0]:
        return None
    return a[1] / b[1]
