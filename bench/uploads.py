"""Cost of decoding an upload in the web worker: CPU time and peak memory of inspect_upload for each image, each
measured in a fresh process, reported against an A4 page scanned at 300 dpi measured in the same run.

    .venv/bin/python bench/uploads.py            # one run of every case
    .venv/bin/python bench/uploads.py --repeat 3 # the best of three per case
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (name, width, height, mode, format, the pixel limit in force): the probe's 7000 × 7000 RGBA PNG under the limit
# before this change (50 megapixels) and now (20), beside what an applicant uploads.
CASES = {
    "a4_300dpi_jpeg": (2480, 3508, "RGB", "JPEG", None),
    "a4_300dpi_png_grey": (2480, 3508, "L", "PNG", None),
    "limit_20mp_png_rgba": (4000, 5000, "RGBA", "PNG", None),
    "probe_7000_rgba_png_before": (7000, 7000, "RGBA", "PNG", 50_000_000),
    "probe_7000_rgba_png_now": (7000, 7000, "RGBA", "PNG", None),
    # A phone's 22-megapixel photo of a document, about 10 MB: decoded at half size since it is above the limit.
    "photo_22mp_jpeg_10mb": (5472, 4104, "RGB", "JPEG", None),
}
# Cases whose pixels are a camera's noise rather than a page's text: they compress like photos.
PHOTOS = {"photo_22mp_jpeg_10mb"}
BASELINE = "a4_300dpi_jpeg"


def image_bytes(width: int, height: int, mode: str, image_format: str, *, photo: bool = False) -> bytes:
    """A page: white with dark text-like bars, so it compresses like a scan (the probe's PNG was 208 KB); or a
    photo: smoothed noise at quality 85, about 10 MB at 22 megapixels."""
    from PIL import Image, ImageDraw, ImageFilter

    if photo:
        bands = [Image.effect_noise((width, height), 48).filter(ImageFilter.GaussianBlur(0.6)) for _ in range(3)]
        output = io.BytesIO()
        Image.merge("RGB", bands).save(output, format="JPEG", quality=85)
        return output.getvalue()

    image = Image.new(mode, (width, height), "white")
    draw = ImageDraw.Draw(image)
    for top in range(height // 10, height - height // 10, max(1, height // 60)):
        draw.rectangle((width // 10, top, width - width // 10, top + max(1, height // 200)), fill="black")
    output = io.BytesIO()
    image.save(output, format=image_format)
    return output.getvalue()


def peak_rss_kb() -> int:
    """This process image's peak resident memory (Linux VmHWM); getrusage's maxrss would include the parent's
    peak, which a child inherits across fork and exec."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0])


def measure_one(name: str, path: Path) -> dict[str, float | int | str]:
    """Runs in its own process, which reads the file built by the parent: one inspect_upload, timed and measured."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiyun_talent.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.uploads import DEFAULT_MAX_PIXELS, inspect_upload

    *_size_and_mode, image_format, max_pixels = CASES[name]
    content = path.read_bytes()
    upload = SimpleUploadedFile(f"scan.{image_format.lower()}", content)
    # The portal's per-file limit (MATERIAL_MAX_MB, 10 MiB), or the file's own size when larger.
    max_bytes = max(settings.MATERIAL_MAX_BYTES, len(content))
    # The peak only rises: in a fresh process that holds only the small file, the rise is the inspection's own.
    before_kb = peak_rss_kb()
    started_cpu = time.process_time()
    try:
        inspected = inspect_upload(upload, max_bytes=max_bytes, max_pixels=max_pixels or DEFAULT_MAX_PIXELS)
        outcome = "accepted"
        stored_bytes = inspected.size
    except ValidationError as error:
        outcome = error.code
        stored_bytes = 0
    cpu = time.process_time() - started_cpu
    peak_kb = peak_rss_kb()
    return {
        "case": name,
        "bytes": len(content),
        "stored_bytes": stored_bytes,
        "outcome": outcome,
        "cpu_s": cpu,
        "extra_mb": (peak_kb - before_kb) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the fastest is kept")
    parser.add_argument("--one", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        print(json.dumps(measure_one(options.one[0], Path(options.one[1]))))
        return
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        for name, (width, height, mode, image_format, _limit) in CASES.items():
            path = Path(directory) / name
            path.write_bytes(image_bytes(width, height, mode, image_format, photo=name in PHOTOS))
            runs = [
                json.loads(
                    subprocess.run(  # noqa: S603 - this script, with a case of CASES and its file
                        [sys.executable, __file__, "--one", name, str(path)],
                        check=True,
                        capture_output=True,
                        text=True,
                        cwd=ROOT,
                    ).stdout
                )
                for _ in range(options.repeat)
            ]
            results[name] = min(runs, key=lambda run: run["cpu_s"])
    baseline = results[BASELINE]["cpu_s"]
    print(f"{'case':30} {'file KB':>8} {'stored KB':>9} {'outcome':>24} {'CPU s':>7} {'× A4 scan':>10} {'peak MB':>8}")
    for name, run in results.items():
        print(
            f"{name:30} {run['bytes'] / 1024:8.0f} {run['stored_bytes'] / 1024:9.0f} {run['outcome']:>24} "
            f"{run['cpu_s']:7.3f} {run['cpu_s'] / baseline:10.2f} {run['extra_mb']:8.0f}"
        )


if __name__ == "__main__":
    main()
