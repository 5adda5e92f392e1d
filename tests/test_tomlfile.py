"""The line-by-line reading of a file of many small tables (`tomlfile._line_tables`) gives the very
table tomli gives for the whole file, or declines (None) and leaves the file to tomli: never a
different table, never a table for a file tomli refuses.  Tables are compared by their repr, so
True and 1, 1 and Decimal('1'), and the order of keys all count."""

from __future__ import annotations

from decimal import Decimal

import tomli
from hypothesis import given, settings, strategies as st

from roo_calc.tomlfile import _line_tables

KEYS = ["name", "description", "change", "vehicle", "select", "set", "part_number", "a-b", "1", '"quoted"', "a.b",
        "  name", "name\t", ""]
VALUES = ['"MX"', '"s1"', '"a\\"b"', '"é ✓"', "'literal'", '"tab\there"', '"\x01"', '"unterminated', "1", "-0", "+1",
          "1_000", "0x1F", "01", "1.5", "62.50", "1e3", "inf", "nan", "true", "false", "True", "1979-05-27",
          "07:32:00", "1979-05-27T07:32:00Z", "[1, 2]", '["a", "b",]', "[", "[1,", "{ a = 1 }", "{ a = 1, a = 2 }",
          "{ a.b = 1 }", '{ part_number = "X" }', '{ origin_country = "MX", usmca_originating = "Y", regional_content_pct = 100 }',
          "{ a = 1,", '"""x"""', "'''x'''", '"x" # note', "1 # note\x01", "", "1 2", "{}", "[]", "[{ a = 1 }]"]
HEADERS = ["[[scenario]]", "[[ scenario ]]", "[[scenario.change]]", "[[scenario . change]]", "[scenario.vehicle]",
           "[ scenario.vehicle ]", "[scenario.change]", "[[scenario.vehicle]]", "[[other]]", "[other]", "[scenario]",
           "[[scenario.change.x]]", "[[scenario]] # note", "  [[scenario.change]]", "[ [scenario] ]", "[[scenario]]x",
           "[[scenario]] # \x01", "[[scenario.select]]", "[scenario.name]", "[[other.change]]", "[other.vehicle]"]
OTHER = ["", "   ", "# comment", "\t# comment", "#\x01", "\ufeff[[scenario]]", "garbage", "= 1", '"""', "]", "}"]


GOOD_KEYS = KEYS[:8]
GOOD_VALUES = VALUES[:6] + ["1", "1.5", "62.50", "true", "[1, 2]", '{ part_number = "X" }', '"x" # note']
GOOD_HEADERS = ["[[scenario]]", "[[scenario.change]]", "[scenario.vehicle]", "[[ scenario . change ]] # note", "[[scenario.set]]"]


def _line():
    def pair(keys, values):
        return st.builds(lambda k, v, eq: f"{k}{eq}{v}", st.sampled_from(keys), st.sampled_from(values),
                         st.sampled_from([" = ", "=", " =\t"]))
    good = st.one_of(pair(GOOD_KEYS, GOOD_VALUES), st.sampled_from(GOOD_HEADERS), st.sampled_from(["", "# comment"]))
    return st.one_of(good, good, good, good, good, good, pair(KEYS, VALUES), st.sampled_from(HEADERS), st.sampled_from(OTHER))


@st.composite
def _block(draw, header) -> list[str]:
    keys = draw(st.lists(st.sampled_from(GOOD_KEYS), unique=True, max_size=4))
    return [header] + [f"{k} = {draw(st.sampled_from(GOOD_VALUES))}" for k in keys]


@st.composite
def files(draw) -> str:
    """Mostly well-formed files of [[scenario]] elements (so that the line reading is taken), some
    lines then replaced or inserted from the whole pool (so that it must decline, or agree)."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        lines += draw(_block(draw(st.sampled_from(["[[scenario]]", "[[ scenario ]] # note"]))))
        for header in draw(st.lists(st.sampled_from(GOOD_HEADERS[1:]), max_size=3)):
            lines += draw(_block(header))
    for _ in range(draw(st.integers(0, 2))):
        lines.insert(draw(st.integers(0, len(lines))), draw(_line()))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    if draw(st.integers(0, 20)) == 0:
        text += "\r"
    return text


def _whole(text: str):
    try:
        return tomli.loads(text, parse_float=Decimal)
    except Exception as error:  # noqa: BLE001 - whatever tomli refuses, the line reading must decline
        return error


@settings(max_examples=400, deadline=None)
@given(files())
def test_the_line_reading_equals_tomli_or_declines(text):
    fast = _line_tables(text)
    if fast is not None:
        whole = _whole(text)
        assert not isinstance(whole, Exception), f"tomli refuses what the line reading took: {whole}"
        assert repr(fast) == repr(whole)


def test_a_file_of_many_scenarios_is_read_line_by_line_to_the_same_table():
    entry = ('[[scenario]]\nname = "s{k}"\n[[scenario.change]]\nselect = {{ part_number = "P-{p}" }}\n'
             'set = {{ origin_country = "MX", usmca_originating = "Y", nafta_originating = "Y", regional_content_pct = 62.5 }}\n')
    text = "# scenarios\n\n" + "".join(entry.format(k=k, p=k % 7) for k in range(50))
    text += '[[ scenario ]]  # the last\n  name = "last"\n[scenario.vehicle]\nnet_cost = 100.10\n[[scenario.change]]\nselect = { hs_prefix = ["8708", "8407"] }\nset = { high_wage = true }\n'
    for newline in ("\n", "\r\n"):
        found = _line_tables(text.replace("\n", newline))
        assert found is not None and repr(found) == repr(tomli.loads(text, parse_float=Decimal))
    sets = {id(s["change"][0]["set"]) for s in found["scenario"][:50]}
    assert len(sets) == 1  # one value object for one line
    assert found["scenario"][50]["vehicle"] == {"net_cost": Decimal("100.10")}


def test_what_tomli_refuses_or_reads_otherwise_is_left_to_it():
    head = '[[scenario]]\nname = "a"\n'
    for text in (head + 'name = "b"\n',  # a key twice
                 head + '[scenario.vehicle]\n[scenario.vehicle]\n',  # a table twice
                 head + 'change = 1\n[[scenario.change]]\n',  # a value, then an array of the same name
                 head + '[scenario.vehicle]\n[[scenario.vehicle]]\n',
                 head + 'select = { part_number = "A",\n  supplier = "B" }\n',  # TOML 1.1: one value on two lines
                 head + 'select = [\n  "A" ]\n',
                 head + 'description = """two\nlines"""\n',
                 'name = "top"\n' + head,  # a key before the array
                 '[[scenario.change]]\nselect = 1\n',  # a sub-array before any element
                 head + '[[other]]\n',
                 head + 'name2 = "x"\r',
                 ""):
        whole = _whole(text)
        fast = _line_tables(text)
        assert fast is None or (not isinstance(whole, Exception) and repr(fast) == repr(whole)), text
        if isinstance(whole, Exception) or "two\nlines" in text or "\n  supplier" in text:
            assert fast is None, text
