import pytest
from django.core.exceptions import ValidationError

from accounts.validators import uscc_check_character, validate_uscc

# Codes printed on real business licences (public examples of GB 32100-2015).
KNOWN_VALID = ["91350100M000100Y43", "91110000802100433B", "914403001922038216"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_validate_uscc_accepts_known_codes(code):
    validate_uscc(code)


def test_validate_uscc_accepts_lowercase_and_spaces():
    validate_uscc(" 91350100m000100y43 ")


def test_uscc_check_character_matches_known_codes():
    assert [uscc_check_character(code[:17]) for code in KNOWN_VALID] == [code[17] for code in KNOWN_VALID]


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y4", "uscc_length"),
        ("91350100M000100Y433", "uscc_length"),
        ("91350100M000100I43", "uscc_characters"),
        ("9135010OM000100Y43", "uscc_characters"),
        ("913501A0M000100Y43", "uscc_division"),
        ("91350100M000100Y44", "uscc_check"),
        ("91350100M000100Y34", "uscc_check"),
    ],
)
def test_validate_uscc_refuses_invalid_code(code, error_code):
    with pytest.raises(ValidationError) as caught:
        validate_uscc(code)
    assert caught.value.code == error_code


def test_validate_uscc_detects_every_single_character_change():
    code = KNOWN_VALID[0]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for position in range(17):
        for replacement in alphabet:
            if replacement == code[position] or (2 <= position < 8 and not replacement.isdigit()):
                continue
            changed = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(ValidationError):
                validate_uscc(changed)
