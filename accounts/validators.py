"""Validation of organisation identifiers and contact numbers."""

import re

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015 统一社会信用代码: 31 characters (no I, O, S, V, Z), weights 3^i mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18


def uscc_check_character(body: str) -> str:
    """The 18th character of a 统一社会信用代码 whose first 17 are `body`."""
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Refuse a 统一社会信用代码 that is not 18 valid characters ending in the right check character."""
    code = value.strip().upper()
    if len(code) != USCC_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="uscc_length",
            params={"length": len(code)},
        )
    if any(char not in USCC_ALPHABET for char in code):
        raise ValidationError(
            _("A unified social credit code uses only digits and capital letters other than I, O, S, V and Z."),
            code="uscc_characters",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the administrative division code (digits)."),
            code="uscc_division",
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong: please check the code."),
            code="uscc_check",
        )


# A mainland mobile (11 digits from 13x to 19x) or an international number.
MOBILE_SHAPE = re.compile(r"1[3-9][0-9]{9}|\+[0-9]{7,15}")


def mobile_normalise(value: str) -> str:
    """The number without spaces or dashes; refuses what is not a mobile number."""
    mobile = value.replace(" ", "").replace("-", "")
    if not MOBILE_SHAPE.fullmatch(mobile):
        raise ValidationError(
            _("Give an 11-digit mainland mobile number, or an international number starting with +."),
            code="mobile",
        )
    return mobile


def validate_username(value: str) -> None:
    """Refuse a username that is not Django's usual characters, or that looks like an e-mail address or a mobile.

    The login accepts a username, a mobile or an e-mail: a username shaped like either could stand in front of the
    account that owns that address.
    """
    UnicodeUsernameValidator()(value)
    if "@" in value:
        raise ValidationError(_("A username may not contain @: it would look like an e-mail address."), code="email")
    if value.replace("-", "").replace("+", "").isdigit():
        raise ValidationError(
            _("A username may not be only digits: it would look like a mobile number."), code="mobile"
        )
