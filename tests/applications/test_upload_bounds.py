"""Decoding an image upload stays within its pixel bound, and what is stored stays within the per-file limit."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from applications.uploads import inspect_upload


def noisy_jpeg(size: tuple[int, int], *, quality: int) -> bytes:
    """Noise compresses badly, so encoding it again at a higher quality makes a larger file."""
    image = Image.merge("RGB", [Image.effect_noise(size, 60) for _ in range(3)])
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=quality)
    return output.getvalue()


def upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_a_jpeg_that_grows_when_encoded_again_is_stored_within_the_limit():
    content = noisy_jpeg((600, 400), quality=75)
    with Image.open(io.BytesIO(content)) as decoded:
        encoded_again = io.BytesIO()
        decoded.save(encoded_again, format="JPEG", quality=90)
    assert len(encoded_again.getvalue()) > len(content), "the case must grow at the usual quality"
    inspected = inspect_upload(upload(content), max_bytes=len(content))
    assert inspected.size == len(inspected.content)
    assert inspected.size <= len(content)
    assert (inspected.width, inspected.height) == (600, 400)
    with Image.open(io.BytesIO(inspected.content)) as stored:
        assert (stored.format, stored.size) == ("JPEG", (600, 400))


def test_a_jpeg_too_large_even_at_lower_quality_is_stored_at_half_its_size():
    content = noisy_jpeg((600, 400), quality=30)
    inspected = inspect_upload(upload(content), max_bytes=len(content))
    assert inspected.size <= len(content)
    assert (inspected.width, inspected.height) == (300, 200)


def test_a_jpeg_above_the_pixel_bound_is_decoded_and_stored_at_half_its_size():
    content = noisy_jpeg((400, 300), quality=90)
    inspected = inspect_upload(upload(content), max_bytes=10 * len(content), max_pixels=50_000)
    assert (inspected.width, inspected.height) == (200, 150)


def test_a_jpeg_above_four_times_the_pixel_bound_is_refused():
    content = noisy_jpeg((500, 500), quality=90)
    with pytest.raises(ValidationError) as refused:
        inspect_upload(upload(content), max_bytes=10 * len(content), max_pixels=50_000)
    assert refused.value.code == "image_too_large_pixels"


def test_a_png_above_the_pixel_bound_is_refused():
    output = io.BytesIO()
    Image.new("L", (300, 200), "white").save(output, format="PNG")
    with pytest.raises(ValidationError) as refused:
        inspect_upload(upload(output.getvalue(), "scan.png"), max_bytes=10**6, max_pixels=50_000)
    assert refused.value.code == "image_too_large_pixels"
