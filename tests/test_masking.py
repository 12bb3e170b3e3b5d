"""ID-card numbers: masked to the first 4 and last 4 characters, found inside any text, and checked
(length and the GB 11643 check character)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jihua_kit.core.masking import check_character, id_format_ok, mask_id, scrub

SAMPLE = "11010519491231002X"  # the standard's published example (check character X)


def test_mask_keeps_first_four_and_last_four() -> None:
    assert mask_id("520525198001011234") == "5205" + "*" * 10 + "1234"
    assert mask_id(SAMPLE) == "1101" + "*" * 10 + "002X"
    assert mask_id("520525800101123") == "5205" + "*" * 7 + "1123"  # an old 15-digit number
    assert mask_id("  520525198001011234 ") == "5205**********1234"
    assert mask_id("1234567") == "*******" and mask_id("") == "" and mask_id(None) == ""


def test_scrub_masks_id_numbers_inside_text_only() -> None:
    text = "第 5 行：520525198001011234 不是整数；电话 13800000000；编号 V001"
    assert scrub(text) == "第 5 行：5205**********1234 不是整数；电话 13800000000；编号 V001"
    assert scrub(f"x{SAMPLE.lower()}y") == "x1101**********002xy"  # glued to letters, lowercase x: still masked
    assert scrub(f"ID{SAMPLE}") == "ID1101**********002X"  # a household ID made from an ID number
    assert scrub(f"({SAMPLE})") == "(1101**********002X)"
    assert scrub("5205251980010112345") == "5205***********2345"  # 19 digits: an ID with a digit too many
    assert scrub("1101051949123100") == "1101********3100"  # 16 digits: an ID cut short
    assert scrub("110105 19491231 002X") == "1101** ******** 002X"  # spaced
    assert scrub("1101-0519-4912-3100-2x") == "1101-****-****-**00-2x"  # dashed
    assert scrub("1 2 3 4 5 6 7 8 9 10 11 12") == "1 2 3 4 5 6 7 8 9 10 11 12"  # too few digits together
    assert scrub("2013-07-05，0.30000000000000004") == "2013-07-05，0.30000000000000004"  # dates, fractions stay


def test_check_character_and_format() -> None:
    assert check_character(SAMPLE[:17]) == "X"
    assert id_format_ok(SAMPLE)
    assert not id_format_ok(SAMPLE[:17] + "1")  # wrong check character
    assert not id_format_ok(SAMPLE[:-1])  # 17 characters
    assert id_format_ok("110105491231002")  # 15 digits: no check character in the old numbers
    assert not id_format_ok("5.20525E+17")


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_any_prefix_completes_to_a_valid_number_and_masks_to_18(prefix: str) -> None:
    number = prefix + check_character(prefix)
    assert id_format_ok(number)
    masked = mask_id(number)
    assert len(masked) == 18 and masked[:4] == number[:4] and masked[-4:] == number[-4:]
    assert set(masked[4:-4]) == {"*"}
    assert scrub(f"ID {number}.") == f"ID {masked}."
    wrong = "0" if number[-1] != "0" else "1"
    assert not id_format_ok(number[:-1] + wrong)
