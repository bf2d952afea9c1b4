"""Identity documents accepted by 申领指南 五（一）2: format checks, normalisation and masking for display."""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    # 申领指南 五（一）2: 居民身份证; 外国国籍: 护照; 港澳台: 港澳居民来往内地通行证 / 台湾居民来往大陆通行证
    RESIDENT_ID = "resident_id", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO_PERMIT = "hk_macao_permit", _("Mainland Travel Permit for Hong Kong and Macao Residents")
    TAIWAN_PERMIT = "taiwan_permit", _("Mainland Travel Permit for Taiwan Residents")


# GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits.
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

_RESIDENT_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_PASSPORT_SHAPE = re.compile(r"[A-Z0-9]{5,20}")
# 公安部《港澳居民来往内地通行证号码规则》(2010): H (Hong Kong) or M (Macao), an 8-digit lifelong number, then
# 2 digits counting renewals, 11 characters in all. The card issued since 2013 prints H/M + 8 digits as the
# number and the renewal count separately, so both the 9- and the 11-character forms are accepted.
_HK_MACAO_PERMIT_SHAPE = re.compile(r"[HM][0-9]{8}(?:[0-9]{2})?")
# The card-type 台胞证 issued since 2015 carries the holder's 8-digit lifelong number. Older booklets append
# 2 digits counting renewals (10 digits), still accepted while valid. One-entry short-term permits (letters
# and digits) are not a 有效 identity document for a five-year card and are refused.
_TAIWAN_PERMIT_SHAPE = re.compile(r"[0-9]{8}(?:[0-9]{2})?")


def resident_id_check_character(*, first_17: str) -> str:
    """The GB 11643-1999 check character of the first 17 digits; tests and fixtures build valid numbers with it."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK_CHARACTERS[total % 11]


def _normalise(number: str) -> str:
    """Full-width digits and letters typed with a Chinese input method become ASCII; case and spaces do not count."""
    return unicodedata.normalize("NFKC", number).strip().upper()


def validate_resident_id(number: str, *, today: date) -> date:
    """Check a GB 11643-1999 citizen identity number and return the birth date it encodes."""
    number = _normalise(number)
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(length)s."),
            code="id_length",
            params={"length": len(number)},
        )
    if not _RESIDENT_ID_SHAPE.fullmatch(number):
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or the letter X."),
            code="id_characters",
        )
    # The first 6 digits are the GB/T 2260 region of first registration; no region code starts with 0.
    # 81/82/83 (港澳台居民居住证) and 9 (外国人永久居留身份证, 2023) share the same structure and check digit.
    if number[0] == "0":
        raise ValidationError(_("This ID number does not start with a valid region code."), code="id_region")
    try:
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The date of birth in this ID number is not a real date: please check the number."),
            code="id_birth_date",
        ) from None
    if birth_date > today:
        raise ValidationError(
            _("The date of birth in this ID number is in the future: please check the number."),
            code="id_birth_date",
        )
    if birth_date < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The date of birth in this ID number is before 1900: please check the number."),
            code="id_birth_date",
        )
    if resident_id_check_character(first_17=number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of this ID number is wrong: please check the number."),
            code="id_check_digit",
        )
    return birth_date


# The documents other than the resident ID card are checked by their shape: (shape, error code, message).
_DOCUMENT_SHAPES = {
    DocumentType.PASSPORT: (
        _PASSPORT_SHAPE,
        "passport_format",
        _("A passport number has 5 to 20 letters and digits, without spaces or punctuation."),
    ),
    DocumentType.HK_MACAO_PERMIT: (
        _HK_MACAO_PERMIT_SHAPE,
        "hk_macao_permit_format",
        _(
            "A Mainland Travel Permit for Hong Kong and Macao Residents number is H or M followed by "
            "8 digits (10 digits on permits issued before 2013)."
        ),
    ),
    DocumentType.TAIWAN_PERMIT: (
        _TAIWAN_PERMIT_SHAPE,
        "taiwan_permit_format",
        _(
            "A Mainland Travel Permit for Taiwan Residents number has 8 digits "
            "(10 digits on permits issued before 2015)."
        ),
    ),
}


def _shape_validate(number: str, *, document_type: str) -> str:
    number = _normalise(number)
    shape, code, message = _DOCUMENT_SHAPES[document_type]
    if not shape.fullmatch(number):
        raise ValidationError(message, code=code)
    return number


def validate_passport(number: str) -> str:
    """Check a passport number's shape only, since every country numbers its passports its own way."""
    return _shape_validate(number, document_type=DocumentType.PASSPORT)


def validate_hk_macao_permit(number: str) -> str:
    """Check a 港澳居民来往内地通行证 number and return it normalised."""
    return _shape_validate(number, document_type=DocumentType.HK_MACAO_PERMIT)


def validate_taiwan_permit(number: str) -> str:
    """Check a 台湾居民来往大陆通行证 number and return it normalised."""
    return _shape_validate(number, document_type=DocumentType.TAIWAN_PERMIT)


def identity_number_validate(*, document_type: str, number: str, today: date) -> str:
    """Validate a number against its document type and return the form to store."""
    if document_type == DocumentType.RESIDENT_ID:
        validate_resident_id(number, today=today)
        return _normalise(number)
    if document_type in _DOCUMENT_SHAPES:
        return _shape_validate(number, document_type=document_type)
    raise ValidationError(_("Choose one of the accepted identity documents."), code="document_type")


def mask_identity_number(number: str) -> str:
    """Show enough of a number for its holder to recognise it, never the birth date or most of the number."""
    length = len(number)
    if length == 18:
        # Region prefix and the last 4 (sequence and check digit) stay; the birth date is always hidden.
        return number[:4] + "*" * 10 + number[-4:]
    revealed = round(length / 3)
    tail = min(2, revealed)
    head = min(2, revealed - tail)
    return number[:head] + "*" * (length - head - tail) + number[length - tail :]
