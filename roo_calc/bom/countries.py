"""Country names and common codes read as ISO 3166-1 alpha-2 (contract v2: "an English country
name is accepted and reported as converted").

A cell is matched, ignoring case, accents, spaces and punctuation, against pycountry's name,
official name, common name and alpha-3 code of every country, then against the short table of
everyday names below (each documented in the README).  Nothing is matched by resemblance: a
name that is not in these lists is an error, and so is a name that fits more than one country
("Korea", "Congo", "Virgin Islands").
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from roo_calc import codes

# Everyday names and codes that pycountry does not list.
ALIASES: dict[str, str] = {
    "usa": "US", "u_s": "US", "u_s_a": "US", "united_states_of_america": "US",
    "uk": "GB", "u_k": "GB", "great_britain": "GB", "britain": "GB",
    "south_korea": "KR", "korea_south": "KR", "republic_of_korea": "KR", "korea_rep": "KR",
    "north_korea": "KP", "korea_north": "KP",
    "russia": "RU", "turkey": "TR", "czech_republic": "CZ", "holland": "NL", "the_netherlands": "NL",
    "vietnam": "VN", "taiwan": "TW", "macedonia": "MK", "ivory_coast": "CI", "cape_verde": "CV",
    "burma": "MM", "swaziland": "SZ", "east_timor": "TL", "laos": "LA", "iran": "IR", "syria": "SY",
    "china_mainland": "CN", "prc": "CN", "peoples_republic_of_china": "CN", "hong_kong_sar": "HK",
}

# Names that fit more than one country: the cell must say which.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "korea": ("KP", "KR"), "congo": ("CD", "CG"), "virgin_islands": ("VG", "VI"),
}


def key(text: str) -> str:
    """'Côte d'Ivoire ' -> 'cote_d_ivoire'."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "_", plain.lower().replace("'", "").replace("\u2019", "")).strip("_")


def _name(alpha_2: str) -> str:
    """The country's short name; every code _index hands out is one pycountry holds."""
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha_2)
    return country.name if country is not None else alpha_2


@cache
def _index() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """(name key -> alpha-2, name key -> the several alpha-2 codes it fits)."""
    import pycountry

    found: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name", "alpha_3"):
            value = getattr(country, attr, None)
            if value:
                found.setdefault(key(value), set()).add(country.alpha_2)
        head = country.name.split(",")[0]
        if head != country.name:  # 'Korea, Republic of' is one of the 'Korea's
            found.setdefault(key(head), set()).add(country.alpha_2)
    for name, code in ALIASES.items():
        found[name] = {code}
    unique = {k: next(iter(v)) for k, v in found.items() if len(v) == 1}
    several = {k: tuple(sorted(v)) for k, v in found.items() if len(v) > 1}
    for name, options in AMBIGUOUS.items():
        unique.pop(name, None)
        several[name] = options
    return unique, several


@cache
def to_alpha2(text: str) -> tuple[str, bool]:
    """(ISO alpha-2 code, whether the cell held a name or other code that was converted);
    ValueError says what was found."""
    code = text.strip().upper()
    if code in codes.countries():
        return code, False
    unique, several = _index()
    name = key(text)
    if name in several:
        options = ", ".join(f"{c} ({_name(c)})" for c in several[name])
        raise ValueError(f"expected one country, found {text!r}, which may be {options}: write the ISO alpha-2 code")
    if name in unique:
        return unique[name], True
    raise ValueError(f"expected an ISO 3166-1 alpha-2 country code (e.g. US, MX, CA, JP) or an English country name, found {text!r}")
