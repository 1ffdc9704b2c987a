#!/usr/bin/env python3
"""Fingerprint oracle: the ISCC Image-Code as the reference implementation
(iscc-sdk 0.9.7, with Pillow) computes it, the test images, and the edits a
platform makes when it re-encodes an upload.

    fingerprints.py corpus OUTDIR          write the equality-test corpus (images bundled
                                           with scikit-image, in many encodings); prints
                                           the file names as JSON
    fingerprints.py reference FILE...      one JSON line per file: {"file", "iscc64",
                                           "iscc256"} or {"file", "error"}
    fingerprints.py photos OUTDIR [N]      write N natural photographs (PNG) bundled with
                                           scikit-image
    fingerprints.py edit OP IN OUT         re-encode IN as a platform would: jpeg75,
                                           jpeg50, resize50, png2jpeg, jpeg2webp, crop5,
                                           rotate2, mirror, near (a barely different
                                           image: a small patch changed); metadata is
                                           never copied
    fingerprints.py time N FILE...         milliseconds per image of iscc-sdk (best of N)

Run by the test suites and benchmarks in the venv tests/run.sh installs.
"""

import json
import shutil
import struct
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import skimage
from PIL import Image

SK = Path(skimage.__file__).parent / "data"

# Natural photographs bundled in the wheel (file name in skimage/data -> corpus stem).
PHOTOS = [
    "astronaut.png",
    "brick.png",
    "camera.png",
    "cell.png",
    "chelsea.png",
    "clock_motion.png",
    "coffee.png",
    "coins.png",
    "grass.png",
    "gravel.png",
    "hubble_deep_field.jpg",
    "ihc.png",
    "moon.png",
    "motorcycle_left.png",
    "motorcycle_right.png",
    "page.png",
    "retina.jpg",
    "rocket.jpg",
    "text.png",
]
# Bundled non-photographic images that are used as-is.
AS_IS = [
    "logo.png",  # RGBA
    "horse.png",  # RGBA silhouette
    "color.png",
    "phantom.png",
    "chessboard_GRAY.png",
    "microaneurysms.png",
    "multipage.tif",
    "no_time_for_that_tiny.gif",
    "hubble_deep_field.jpg",  # original JPEGs (encoder unknown), kept byte for byte
    "retina.jpg",
    "rocket.jpg",
]


def png16(path, arr, color_type):
    """Write a 16-bit PNG (big-endian samples, filter 0) from a uint16 array."""
    h, w = arr.shape[:2]
    raw = b"".join(b"\x00" + arr[y].astype(">u2").tobytes() for y in range(h))

    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    path.write_bytes(data)


def exif_with_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif


def radial_alpha(size):
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    d = np.hypot((xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2))
    return Image.fromarray(np.clip(255 * (1.3 - d), 0, 255).astype(np.uint8), "L")


def make_corpus(OUT):
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(24138)

    # 1. Photographs: lossless PNG and JPEG (quality 90, Pillow defaults otherwise).
    for name in PHOTOS:
        stem = Path(name).stem
        im = Image.open(SK / name)
        im.load()
        if name.endswith(".png"):
            shutil.copy(SK / name, OUT / f"photo_{stem}.png")
        else:
            im.save(OUT / f"photo_{stem}.png")
        im.save(OUT / f"photo_{stem}.jpg", quality=90)

    for name in AS_IS:
        shutil.copy(SK / name, OUT / f"asis_{name}")

    chelsea = Image.open(SK / "chelsea.png").convert("RGB")
    astro = Image.open(SK / "astronaut.png").convert("RGB")
    camera = Image.open(SK / "camera.png")
    w, h = chelsea.size

    # 2. Alpha.
    rgba = chelsea.copy()
    rgba.putalpha(radial_alpha(chelsea.size))
    rgba.save(OUT / "alpha_rgba.png")
    la = chelsea.convert("L")
    la.putalpha(radial_alpha(chelsea.size))
    la.save(OUT / "alpha_la.png")
    rgba.save(OUT / "alpha_rgba_lossless.webp", lossless=True)
    rgba.save(OUT / "alpha_rgba.tif")

    # 3. Borders.
    def bordered(img, color, pad):
        out = Image.new("RGB", (img.width + 2 * pad, img.height + 2 * pad), color)
        out.paste(img, (pad, pad))
        return out

    bordered(chelsea, (255, 255, 255), 40).save(OUT / "border_white.png")
    bordered(bordered(chelsea, (0, 0, 0), 12), (255, 255, 255), 30).save(OUT / "border_nested.png")
    noisy = np.array(bordered(chelsea, (250, 250, 250), 35))
    mask = np.ones(noisy.shape[:2], bool)
    mask[35:-35, 35:-35] = False
    noise = rng.integers(-6, 7, size=noisy.shape)
    noisy = np.where(mask[..., None], np.clip(noisy.astype(int) + noise, 0, 255), noisy).astype(np.uint8)
    Image.fromarray(noisy, "RGB").save(OUT / "border_noisy.png")
    band = np.array(chelsea)
    band[:30] = (17, 90, 200)
    Image.fromarray(band, "RGB").save(OUT / "border_band_top.png")
    sky = np.array(chelsea).astype(int)
    grad = np.linspace(0, 60, 60).astype(int)
    sky[:60] = np.clip(np.array([120, 170, 230])[None, None, :] + grad[:, None, None], 0, 255)
    Image.fromarray(sky.astype(np.uint8), "RGB").save(OUT / "border_gradient_top.png")
    bordered(chelsea, (255, 255, 255), 40).save(OUT / "border_white.jpg", quality=90)

    # 4. EXIF orientation: stored pixels are transformed so that the displayed image is `astro`.
    stored6 = astro.transpose(Image.Transpose.ROTATE_90)  # display = rotate 270 (orientation 6)
    stored8 = astro.transpose(Image.Transpose.ROTATE_270)  # display = rotate 90 (orientation 8)
    stored3 = astro.transpose(Image.Transpose.ROTATE_180)
    stored5 = astro.transpose(Image.Transpose.TRANSPOSE)
    stored2 = astro.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    stored6.save(OUT / "exif6.jpg", quality=90, exif=exif_with_orientation(6))
    stored8.save(OUT / "exif8.jpg", quality=90, exif=exif_with_orientation(8))
    stored6.save(OUT / "exif6.png", exif=exif_with_orientation(6))
    stored8.save(OUT / "exif8.png", exif=exif_with_orientation(8))
    stored3.save(OUT / "exif3.png", exif=exif_with_orientation(3))
    stored5.save(OUT / "exif5.png", exif=exif_with_orientation(5))
    stored2.save(OUT / "exif2.png", exif=exif_with_orientation(2))
    stored6.save(OUT / "exif6_lossless.webp", lossless=True, exif=exif_with_orientation(6))
    stored8.save(OUT / "exif8.tif", exif=exif_with_orientation(8))
    astro.save(OUT / "exif_none.png")

    # 5. Grayscale.
    camera.save(OUT / "gray_camera.jpg", quality=90)
    camera.save(OUT / "gray_camera.tif")
    camera.save(OUT / "gray_camera_lossless.webp", lossless=True)
    camera.convert("1").save(OUT / "gray_1bit.png")

    # 6. Palette.
    pal = chelsea.quantize(256)
    pal.save(OUT / "palette.png")
    pal.save(OUT / "palette_trns.png", transparency=int(np.array(pal)[0, 0]))
    pal16 = chelsea.quantize(16)
    pal16.save(OUT / "palette_4bit.png", bits=4)
    pal.save(OUT / "palette.bmp")
    pal.save(OUT / "palette.gif")
    pal.save(OUT / "palette_trns.gif", transparency=int(np.array(pal)[0, 0]))
    pal.save(OUT / "palette.tif")
    # Palette PNG with a per-entry alpha table (tRNS with many values).
    rgba_q = rgba.quantize(256, method=Image.Quantize.FASTOCTREE)
    rgba_q.save(OUT / "palette_alpha.png")

    # 7. tRNS on non-palette PNGs (Pillow ignores it for the code: RGB/L are not whitened).
    chelsea.save(OUT / "trns_rgb.png", transparency=chelsea.getpixel((0, 0)))
    chelsea.convert("L").save(OUT / "trns_l.png", transparency=chelsea.convert("L").getpixel((0, 0)))

    # 8. 16-bit PNGs.
    a16 = np.array(astro).astype(np.uint16) * 257 + rng.integers(0, 257, size=np.array(astro).shape).astype(np.uint16)
    png16(OUT / "png16_rgb.png", a16, 2)
    alpha16 = (np.array(radial_alpha(astro.size)).astype(np.uint16) * 257)
    png16(OUT / "png16_rgba.png", np.dstack([a16, alpha16]), 6)
    c16 = np.array(camera).astype(np.uint16) * 257
    png16(OUT / "png16_gray_full.png", c16, 0)  # Pillow: I;16 -> RGB clips >255 to 255
    png16(OUT / "png16_gray_low.png", np.array(camera).astype(np.uint16), 0)  # values < 256
    png16(OUT / "png16_la.png", np.dstack([c16, alpha16[: c16.shape[0], : c16.shape[1]]]), 4)

    # 9. Other containers for the same photo.
    chelsea.save(OUT / "fmt_chelsea.bmp")
    rgba.save(OUT / "fmt_chelsea_rgba.bmp")
    chelsea.save(OUT / "fmt_chelsea.tif")
    chelsea.save(OUT / "fmt_chelsea_lzw.tif", compression="tiff_lzw")
    chelsea.save(OUT / "fmt_chelsea_deflate.tif", compression="tiff_adobe_deflate")
    chelsea.save(OUT / "fmt_chelsea_packbits.tif", compression="packbits")
    chelsea.save(OUT / "fmt_chelsea_lossless.webp", lossless=True)
    chelsea.save(OUT / "fmt_chelsea_q80.webp", quality=80)
    chelsea.save(OUT / "fmt_chelsea_q90.jpg", quality=90)
    chelsea.save(OUT / "fmt_chelsea_q90_444.jpg", quality=90, subsampling=0)
    chelsea.save(OUT / "fmt_chelsea_q90_progressive.jpg", quality=90, progressive=True)
    chelsea.convert("CMYK").save(OUT / "fmt_chelsea_cmyk.jpg", quality=90)
    chelsea.save(OUT / "fmt_chelsea.gif")  # Pillow quantizes to an adaptive palette

    # 9b. More container variants.
    chelsea.convert("CMYK").save(OUT / "fmt_chelsea_cmyk.tif")
    chelsea.save(OUT / "fmt_chelsea_jpeg.tif", compression="jpeg")
    rgba.save(OUT / "alpha_rgba_q80.webp", quality=80)
    png16(OUT / "tmp16.png", c16, 0)
    Image.open(OUT / "tmp16.png").save(OUT / "gray16_full.tif")  # Pillow I;16 TIFF
    (OUT / "tmp16.png").unlink()
    # Grayscale-identity palette GIF with a transparent index: Pillow opens it as mode "L"
    # and iscc-sdk then ignores the transparency.
    gray_p = chelsea.convert("L").convert("P")  # palette is the identity gray ramp
    gray_p.save(OUT / "gif_grayramp_trns.gif", transparency=int(np.array(gray_p)[0, 0]))
    # Orientation only in XMP (Pillow's getexif falls back to tiff:Orientation in XMP).
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>'
    info.add_itxt("XML:com.adobe.xmp", xmp)
    stored6.save(OUT / "exif_xmp6.png", pnginfo=info)
    # Formats hallmark does not decode (both sides' behaviour is recorded).
    try:
        chelsea.save(OUT / "unsupported_chelsea.avif", quality=80)
    except Exception as e:  # pragma: no cover - depends on Pillow build
        print("no AVIF encoder:", e)
    # Decompression bomb: 20,000 x 20,000 grayscale PNG, about 400 KB on disk.
    row = b"\x00" + bytes(20000)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(20000)) + comp.flush()

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
    (OUT / "bomb_20000x20000.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))

    # 10. Sizes.
    chelsea.resize((32, 32), Image.Resampling.LANCZOS).save(OUT / "size_32x32.png")
    chelsea.resize((7, 5), Image.Resampling.LANCZOS).save(OUT / "size_7x5.png")
    Image.new("RGB", (1, 1), (10, 200, 30)).save(OUT / "size_1x1.png")
    chelsea.resize((1000, 9), Image.Resampling.BILINEAR).save(OUT / "size_1000x9.png")
    chelsea.resize((33, 2000), Image.Resampling.BILINEAR).save(OUT / "size_33x2000.png")
    astro.resize((3000, 2000), Image.Resampling.BICUBIC).save(OUT / "size_3000x2000.png")
    Image.new("RGB", (300, 200), (90, 90, 90)).save(OUT / "size_uniform.png")

    return sorted(p.name for p in OUT.iterdir())



# Code generation only: no metadata extraction, no thumbnail.
OPTS = dict(extract_meta=False, create_thumb=False)


def reference(files):
    import iscc_sdk as idk

    for name in files:
        try:
            line = {
                "file": name,
                "iscc64": idk.code_image(name, bits=64, **OPTS).iscc,
                "iscc256": idk.code_image(name, bits=256, **OPTS).iscc,
            }
        except Exception as e:  # the file is reported, the others go on
            line = {"file": name, "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(line), flush=True)


def photos(out, count):
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in PHOTOS[:count]:
        target = out / f"{Path(name).stem}.png"
        with Image.open(SK / name) as im:
            im.convert("RGB").save(target)
        written.append(target.name)
    print(json.dumps(written))


def edit(op, source, target):
    """A platform's re-encoding: the pixels survive (more or less), no metadata does."""
    with Image.open(source) as im:
        im.load()
        rgb = im.convert("RGB")
    w, h = rgb.size
    if op == "jpeg75":
        rgb.save(target, "JPEG", quality=75)
    elif op == "jpeg50":
        rgb.save(target, "JPEG", quality=50)
    elif op == "resize50":
        rgb.resize((max(1, w // 2), max(1, h // 2)), Image.Resampling.LANCZOS).save(target, "JPEG", quality=85)
    elif op == "png2jpeg":
        rgb.save(target, "JPEG", quality=90)
    elif op == "jpeg2webp":
        rgb.save(target, "WEBP", quality=80)
    elif op == "crop5":
        dx, dy = w // 20, h // 20
        rgb.crop((dx, dy, w - dx, h - dy)).save(target, "JPEG", quality=90)
    elif op == "rotate2":
        rgb.rotate(2, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(255, 255, 255)).save(target, "JPEG", quality=90)
    elif op == "mirror":
        rgb.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(target, "JPEG", quality=90)
    elif op == "near":
        # The same picture with a small patch repainted: another work, almost the same image.
        a = np.array(rgb)
        a[h // 3 : h // 3 + h // 12, w // 3 : w // 3 + w // 12] = (250, 20, 20)
        Image.fromarray(a, "RGB").save(target, "PNG")
    else:
        raise SystemExit(f"unknown edit {op}")


def timing(repeats, files):
    import iscc_sdk as idk

    for name in files:
        with Image.open(name) as img:
            megapixels = img.width * img.height / 1e6
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            idk.code_image(name, bits=256, **OPTS)
            best = min(best, time.perf_counter() - started)
        print(json.dumps({"file": name, "megapixels": megapixels, "ms": best * 1000}), flush=True)


def main(argv):
    command, args = argv[0], argv[1:]
    if command == "corpus":
        print(json.dumps(make_corpus(Path(args[0]))))
    elif command == "reference":
        reference(args)
    elif command == "photos":
        photos(Path(args[0]), int(args[1]) if len(args) > 1 else len(PHOTOS))
    elif command == "edit":
        edit(args[0], args[1], args[2])
    elif command == "time":
        timing(int(args[0]), args[1:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
