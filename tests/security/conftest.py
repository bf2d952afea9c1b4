import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
# The TLS proxy in front of the portal, and clients behind it (documentation and private ranges).
PROXY = "10.0.0.2"


def login(client, username, password=PASSWORD, *, client_address=None, **extra):
    """Posts the portal's login form; with `client_address`, as the trusted proxy forwards it."""
    if client_address is not None:
        extra |= {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if current_code(device) != "000000" else "111111"


@pytest.fixture
def one_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
