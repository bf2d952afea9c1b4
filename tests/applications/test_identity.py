from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from applications.identity import (
    DocumentType,
    identity_number_validate,
    mask_identity_number,
    resident_id_check_character,
    validate_hk_macao_permit,
    validate_passport,
    validate_resident_id,
    validate_taiwan_permit,
)


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in their source language; their Chinese is checked by the translation tests."""
    with translation.override("en"):
        yield


TODAY = date(2026, 3, 1)


def resident_id(first_17: str) -> str:
    """Append the GB 11643-1999 check character, computed independently of the module under test."""
    weights = [2 ** (17 - position) % 11 for position in range(17)]
    total = sum(int(digit) * weight for digit, weight in zip(first_17, weights, strict=True))
    return first_17 + "10X98765432"[total % 11]


def error_of(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


def test_resident_id_public_sample_returns_birth_date():
    assert validate_resident_id("11010519491231002X", today=TODAY) == date(1949, 12, 31)


def test_resident_id_computed_check_digit_returns_birth_date():
    number = resident_id("44011119900307123")
    assert validate_resident_id(number, today=TODAY) == date(1990, 3, 7)


def test_resident_id_weights_match_the_standard():
    assert [2 ** (17 - position) % 11 for position in range(17)] == [
        7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2,
    ]  # fmt: skip


@given(
    region=st.integers(min_value=100000, max_value=999999),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_resident_id_any_plausible_number_with_its_check_digit_is_valid(region, birth, sequence):
    number = resident_id(f"{region}{birth:%Y%m%d}{sequence:03d}")
    assert resident_id_check_character(first_17=number[:17]) == number[17]
    assert validate_resident_id(number, today=TODAY) == birth


def test_resident_id_lowercase_x_is_accepted_and_normalised():
    assert validate_resident_id("11010519491231002x", today=TODAY) == date(1949, 12, 31)
    assert (
        identity_number_validate(document_type=DocumentType.RESIDENT_ID, number=" 11010519491231002x ", today=TODAY)
        == "11010519491231002X"
    )


def test_resident_id_full_width_digits_are_normalised():
    number = "１１０１０５１９４９１２３１００２Ｘ"
    assert (
        identity_number_validate(document_type=DocumentType.RESIDENT_ID, number=number, today=TODAY)
        == "11010519491231002X"
    )


def test_resident_id_wrong_check_digit_is_refused_without_echoing_the_number():
    error = error_of(lambda: validate_resident_id("110105194912310021", today=TODAY))
    assert error.code == "id_check_digit"
    assert error.messages == ["The check digit of this ID number is wrong: please check the number."]


def test_resident_id_every_single_digit_typo_is_caught():
    number = resident_id("44011119900307123")
    for position in range(17):
        for digit in "0123456789":
            if digit == number[position]:
                continue
            typo = number[:position] + digit + number[position + 1 :]
            with pytest.raises(ValidationError):
                validate_resident_id(typo, today=TODAY)


@pytest.mark.parametrize(
    ("number", "length"),
    [("", 0), ("11010519491231002", 17), ("11010519491231002X0", 19), ("110105491231002", 15)],
)
def test_resident_id_wrong_length_is_refused(number, length):
    error = error_of(lambda: validate_resident_id(number, today=TODAY))
    assert error.code == "id_length"
    assert error.messages == [f"A resident ID number has 18 characters; this one has {length}."]


@pytest.mark.parametrize(
    "number", ["1101051949123100AX", "11010519491231002Y", "X10105194912310021", "11010519491231 02X"]
)
def test_resident_id_letters_are_refused(number):
    error = error_of(lambda: validate_resident_id(number, today=TODAY))
    assert error.code == "id_characters"
    assert error.messages == ["A resident ID number is 17 digits followed by a digit or the letter X."]


def test_resident_id_region_starting_with_zero_is_refused():
    error = error_of(lambda: validate_resident_id(resident_id("01010519491231002"), today=TODAY))
    assert error.code == "id_region"


def test_resident_id_impossible_birth_date_is_refused():
    error = error_of(lambda: validate_resident_id(resident_id("44011119990230123"), today=TODAY))
    assert error.code == "id_birth_date"
    assert error.messages == ["The date of birth in this ID number is not a real date: please check the number."]


def test_resident_id_future_birth_date_is_refused():
    error = error_of(lambda: validate_resident_id(resident_id("44011120260302123"), today=TODAY))
    assert error.code == "id_birth_date"
    assert error.messages == ["The date of birth in this ID number is in the future: please check the number."]


def test_resident_id_born_today_is_accepted():
    assert validate_resident_id(resident_id("44011120260301123"), today=TODAY) == TODAY


def test_resident_id_birth_before_1900_is_refused():
    error = error_of(lambda: validate_resident_id("440524188001010014", today=TODAY))
    assert error.code == "id_birth_date"
    assert error.messages == ["The date of birth in this ID number is before 1900: please check the number."]


@pytest.mark.parametrize("number", ["E12345678", "g1234567", "AB123", "12345678901234567890", " pa1234567 "])
def test_passport_valid_numbers_are_normalised(number):
    assert validate_passport(number) == number.strip().upper()


@pytest.mark.parametrize("number", ["AB12", "A" * 21, "E1234-5678", "E 12345678", "护照12345", ""])
def test_passport_invalid_numbers_are_refused(number):
    error = error_of(lambda: validate_passport(number))
    assert error.code == "passport_format"
    assert error.messages == ["A passport number has 5 to 20 letters and digits, without spaces or punctuation."]


@pytest.mark.parametrize(
    ("number", "normalised"),
    [("H12345678", "H12345678"), ("m87654321", "M87654321"), ("H1234567801", "H1234567801")],
)
def test_hk_macao_permit_valid_numbers_are_normalised(number, normalised):
    assert validate_hk_macao_permit(number) == normalised


@pytest.mark.parametrize("number", ["12345678", "H1234567", "H123456789", "H123456780123", "T12345678", "HK1234567"])
def test_hk_macao_permit_invalid_numbers_are_refused(number):
    error = error_of(lambda: validate_hk_macao_permit(number))
    assert error.code == "hk_macao_permit_format"


@pytest.mark.parametrize("number", ["12345678", "07257456", "1234567801"])
def test_taiwan_permit_valid_numbers_are_accepted(number):
    assert validate_taiwan_permit(number) == number


@pytest.mark.parametrize("number", ["1234567", "123456789", "F290299977", "12345678901", "H12345678"])
def test_taiwan_permit_invalid_numbers_are_refused(number):
    error = error_of(lambda: validate_taiwan_permit(number))
    assert error.code == "taiwan_permit_format"
    assert error.messages == [
        "A Mainland Travel Permit for Taiwan Residents number has 8 digits (10 digits on permits issued before 2015)."
    ]


@pytest.mark.parametrize(
    ("document_type", "number", "normalised"),
    [
        (DocumentType.PASSPORT, "e12345678", "E12345678"),
        (DocumentType.HK_MACAO_PERMIT, "h12345678", "H12345678"),
        (DocumentType.TAIWAN_PERMIT, "12345678", "12345678"),
        ("resident_id", "11010519491231002X", "11010519491231002X"),
    ],
)
def test_identity_number_validate_dispatches_on_document_type(document_type, number, normalised):
    assert identity_number_validate(document_type=document_type, number=number, today=TODAY) == normalised


def test_identity_number_validate_applies_the_rule_of_the_type():
    error = error_of(
        lambda: identity_number_validate(document_type=DocumentType.TAIWAN_PERMIT, number="H12345678", today=TODAY)
    )
    assert error.code == "taiwan_permit_format"


def test_identity_number_validate_unknown_type_is_refused():
    error = error_of(lambda: identity_number_validate(document_type="driving_licence", number="1", today=TODAY))
    assert error.code == "document_type"


def test_document_type_values_are_stable():
    assert DocumentType.values == ["resident_id", "passport", "hk_macao_permit", "taiwan_permit"]


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("11010519491231002X", "1101**********002X"),
        ("E12345678", "E******78"),
        ("H1234567801", "H1*******01"),
        ("12345678", "1*****78"),
        ("AB123", "***23"),
        ("12345678901234567890", "12****************90"),
        ("", ""),
    ],
)
def test_mask_identity_number(number, masked):
    assert mask_identity_number(number) == masked


def test_mask_identity_number_hides_the_birth_date():
    assert "19491231" not in mask_identity_number("11010519491231002X")


@given(st.text(alphabet="0123456789ABCDEFGHX", min_size=5, max_size=20).filter(lambda number: len(number) != 18))
def test_mask_identity_number_keeps_length_and_reveals_at_most_a_third(number):
    masked = mask_identity_number(number)
    assert len(masked) == len(number)
    assert len(masked) - masked.count("*") <= round(len(number) / 3)
