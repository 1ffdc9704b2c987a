//! iscc-sdk 0.9.7's `image_normalize` up to the resize, with Pillow's exact integer arithmetic:
//! 1. flatten to 8-bit RGB the way Pillow's modes convert (white fill of alpha, 16-bit rules),
//!    placing pixels in display orientation;
//! 2. tolerant border trim (`image_trim_tolerant`);
//! 3. `convert("L")`.

#[cfg(feature = "fingerprint")]
use image::DynamicImage;
#[cfg(feature = "fingerprint")]
use image::metadata::Orientation;

#[cfg(feature = "fingerprint")]
use super::error::FingerprintError;
#[cfg(feature = "fingerprint")]
use super::orient::Placement;

/// Tolerance of iscc-sdk's `image_trim_tolerant` (per channel, 0-255).
const TRIM_TOLERANCE: u8 = 16;
/// iscc-sdk's `TRIM_MAX_PASSES`.
const TRIM_MAX_PASSES: usize = 16;

/// An 8-bit RGB image, row-major, 3 bytes per pixel.
pub(super) struct Rgb {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

/// A rectangle `[left, right) x [top, bottom)`, like a Pillow bounding box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rect {
    pub left: usize,
    pub top: usize,
    pub right: usize,
    pub bottom: usize,
}

impl Rect {
    /// Width of the rectangle.
    pub(super) fn width(&self) -> usize {
        self.right - self.left
    }

    /// Height of the rectangle.
    pub(super) fn height(&self) -> usize {
        self.bottom - self.top
    }
}

/// An 8-bit grayscale image, row-major.
pub(super) struct Gray {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

/// Pillow's `DIV255(255 * (255 - a) + c * a)`: pasting `c` with mask `a` onto white
/// (`Image.paste(img, mask=alpha)` on an all-white RGB background, `BLEND` in `Paste.c`).
pub(super) fn over_white(c: u8, a: u8) -> u8 {
    let v = 255 * (255 - u32::from(a)) + u32::from(c) * u32::from(a) + 128;
    (((v >> 8) + v) >> 8) as u8
}

/// Pillow's "I;16" to "RGB" conversion (`I16_RGB`): values above 255 become 255.
#[cfg(feature = "fingerprint")]
fn i16_to_u8(v: u16) -> u8 {
    u8::try_from(v).unwrap_or(u8::MAX)
}

/// Pillow's 16-bit unpackers ("RGB;16B", "RGBA;16B", "LA;16B") keep the most significant byte.
#[cfg(feature = "fingerprint")]
fn msb(v: u16) -> u8 {
    (v >> 8) as u8
}

/// Pillow's `rgb2l`: `L = (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16`.
pub(super) fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 19595 + u32::from(g) * 38470 + u32::from(b) * 7471 + 0x8000) >> 16) as u8
}

/// Converts a decoded image to display-oriented 8-bit RGB as iscc-sdk's `image_exif_transpose`
/// + `image_fill_transparency` do through Pillow:
///
/// * RGBA / LA: pasted onto white with the alpha channel as mask (palette images with
///   transparency arrive here as RGBA, as Pillow converts them);
/// * alpha that is only a PNG `tRNS` colour key of an L/RGB image (`ignore_alpha`): dropped;
/// * 16-bit gray (Pillow "I;16"): values above 255 clip to 255;
/// * other 16-bit layouts: most significant byte.
#[cfg(feature = "fingerprint")]
pub(super) fn flatten(
    name: &str,
    image: DynamicImage,
    orientation: Orientation,
    ignore_alpha: bool,
) -> Result<Rgb, FingerprintError> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let place = Placement::new(orientation, w, h);
    match image {
        DynamicImage::ImageRgb8(buf) if orientation == Orientation::NoTransforms => Ok(Rgb {
            width: w,
            height: h,
            data: buf.into_raw(),
        }),
        DynamicImage::ImageRgb8(buf) => {
            Ok(place_pixels(place, buf.as_raw(), 3, |p| [p[0], p[1], p[2]]))
        }
        DynamicImage::ImageLuma8(buf) => Ok(place_pixels(place, buf.as_raw(), 1, |p| [p[0]; 3])),
        DynamicImage::ImageLumaA8(buf) if ignore_alpha => {
            Ok(place_pixels(place, buf.as_raw(), 2, |p| [p[0]; 3]))
        }
        DynamicImage::ImageLumaA8(buf) => Ok(place_pixels(place, buf.as_raw(), 2, |p| {
            [over_white(p[0], p[1]); 3]
        })),
        DynamicImage::ImageRgba8(buf) if ignore_alpha => {
            Ok(place_pixels(place, buf.as_raw(), 4, |p| [p[0], p[1], p[2]]))
        }
        DynamicImage::ImageRgba8(buf) => Ok(place_pixels(place, buf.as_raw(), 4, |p| {
            [
                over_white(p[0], p[3]),
                over_white(p[1], p[3]),
                over_white(p[2], p[3]),
            ]
        })),
        DynamicImage::ImageLuma16(buf) => Ok(place_pixels(place, buf.as_raw(), 1, |p| {
            [i16_to_u8(p[0]); 3]
        })),
        DynamicImage::ImageLumaA16(buf) if ignore_alpha => {
            Ok(place_pixels(place, buf.as_raw(), 2, |p| {
                [i16_to_u8(p[0]); 3]
            }))
        }
        DynamicImage::ImageLumaA16(buf) => Ok(place_pixels(place, buf.as_raw(), 2, |p| {
            [over_white(msb(p[0]), msb(p[1])); 3]
        })),
        DynamicImage::ImageRgb16(buf) => Ok(place_pixels(place, buf.as_raw(), 3, |p| {
            [msb(p[0]), msb(p[1]), msb(p[2])]
        })),
        DynamicImage::ImageRgba16(buf) if ignore_alpha => {
            Ok(place_pixels(place, buf.as_raw(), 4, |p| {
                [msb(p[0]), msb(p[1]), msb(p[2])]
            }))
        }
        DynamicImage::ImageRgba16(buf) => Ok(place_pixels(place, buf.as_raw(), 4, |p| {
            let a = msb(p[3]);
            [
                over_white(msb(p[0]), a),
                over_white(msb(p[1]), a),
                over_white(msb(p[2]), a),
            ]
        })),
        other => Err(FingerprintError::UnsupportedPixelFormat {
            name: name.to_owned(),
            color: format!("{:?}", other.color()),
        }),
    }
}

/// Copies `channels`-sample pixels from `src` (stored orientation) into a new RGB image in
/// display orientation, converting each pixel with `to_rgb`.
#[cfg(feature = "fingerprint")]
fn place_pixels<T: Copy>(
    place: Placement,
    src: &[T],
    channels: usize,
    to_rgb: impl Fn(&[T]) -> [u8; 3],
) -> Rgb {
    let (width, height) = place.displayed_size();
    let mut data = vec![0u8; width * height * 3];
    let row_len = (place.stored_width() * channels).max(1);
    for (y, row) in src.chunks_exact(row_len).enumerate() {
        for (x, pixel) in row.chunks_exact(channels).enumerate() {
            let i = place.index(x, y) * 3;
            data[i..i + 3].copy_from_slice(&to_rgb(pixel));
        }
    }
    Rgb {
        width,
        height,
        data,
    }
}

/// Flattens straight (non-premultiplied) RGBA8 already in display orientation, as Pillow treats
/// an "RGBA" image: pasted onto white with alpha as mask.
pub(super) fn flatten_rgba(width: usize, height: usize, rgba: &[u8]) -> Rgb {
    let mut data = Vec::with_capacity(width * height * 3);
    for p in rgba.chunks_exact(4) {
        data.extend_from_slice(&[
            over_white(p[0], p[3]),
            over_white(p[1], p[3]),
            over_white(p[2], p[3]),
        ]);
    }
    Rgb {
        width,
        height,
        data,
    }
}

/// Pixel (`x`, `y`) of `img`.
fn pixel(img: &Rgb, x: usize, y: usize) -> [u8; 3] {
    let i = (y * img.width + x) * 3;
    [img.data[i], img.data[i + 1], img.data[i + 2]]
}

/// True if any channel of `p` differs from `reference` by more than `tolerance`.
fn differs(p: &[u8], reference: [u8; 3], tolerance: u8) -> bool {
    p.iter()
        .zip(reference)
        .any(|(&v, r)| v.abs_diff(r) > tolerance)
}

/// iscc-sdk's `image_border_bbox` restricted to `area`: the bounding box (in image coordinates)
/// of the pixels of `area` that differ from the area's upper-left pixel by more than `tolerance`
/// in any channel, or `None` if none does. Scans inward from each edge, so an image without a
/// border costs about one row and one column per side.
pub(super) fn border_bbox(img: &Rgb, area: Rect, tolerance: u8) -> Option<Rect> {
    let reference = pixel(img, area.left, area.top);
    let differs_at = |x: usize, y: usize| {
        let i = (y * img.width + x) * 3;
        differs(&img.data[i..i + 3], reference, tolerance)
    };
    let row_differs = |y: usize| (area.left..area.right).any(|x| differs_at(x, y));
    let top = (area.top..area.bottom).find(|&y| row_differs(y))?;
    let bottom = (top..area.bottom).rev().find(|&y| row_differs(y))? + 1;
    let (mut left, mut right) = (area.right, area.left);
    for y in top..bottom {
        if let Some(x) = (area.left..left).find(|&x| differs_at(x, y)) {
            left = x;
        }
        if let Some(x) = (right..area.right).rev().find(|&x| differs_at(x, y)) {
            right = x + 1;
        }
    }
    Some(Rect {
        left,
        top,
        right,
        bottom,
    })
}

/// iscc-sdk 0.9.7's `image_trim_tolerant` (tolerance 16): repeatedly crops to the bounding box
/// of pixels that differ from the upper-left pixel by more than 16 in any channel, until a pass
/// crops nothing, at most 16 passes. A pass that would cut a single side only proceeds if the
/// band it removes is flat (the bounding box at tolerance 8 is the same), so gradients such as
/// skies are kept. Returns the area to keep.
pub(super) fn trim_tolerant(img: &Rgb) -> Rect {
    let mut area = Rect {
        left: 0,
        top: 0,
        right: img.width,
        bottom: img.height,
    };
    for _ in 0..TRIM_MAX_PASSES {
        let Some(bbox) = border_bbox(img, area, TRIM_TOLERANCE) else {
            break;
        };
        if bbox == area {
            break;
        }
        let sides = usize::from(bbox.left > area.left)
            + usize::from(bbox.top > area.top)
            + usize::from(bbox.right < area.right)
            + usize::from(bbox.bottom < area.bottom);
        if sides == 1 && border_bbox(img, area, TRIM_TOLERANCE / 2) != Some(bbox) {
            break;
        }
        area = bbox;
    }
    area
}

/// Pillow's `convert("L")` of `area` of `img`.
pub(super) fn to_gray(img: &Rgb, area: Rect) -> Gray {
    let mut data = Vec::with_capacity(area.width() * area.height());
    for y in area.top..area.bottom {
        let row = &img.data[(y * img.width + area.left) * 3..(y * img.width + area.right) * 3];
        data.extend(row.chunks_exact(3).map(|p| luma(p[0], p[1], p[2])));
    }
    Gray {
        width: area.width(),
        height: area.height(),
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(width: usize, height: usize, rgb: [u8; 3]) -> Rgb {
        Rgb {
            width,
            height,
            data: rgb.repeat(width * height),
        }
    }

    fn fill(img: &mut Rgb, r: Rect, rgb: [u8; 3]) {
        for y in r.top..r.bottom {
            for x in r.left..r.right {
                let i = (y * img.width + x) * 3;
                img.data[i..i + 3].copy_from_slice(&rgb);
            }
        }
    }

    #[test]
    fn pillow_luma_and_blend_formulas() {
        assert_eq!(luma(255, 255, 255), 255);
        assert_eq!(luma(0, 0, 0), 0);
        assert_eq!(luma(255, 0, 0), 76);
        assert_eq!(luma(0, 255, 0), 150);
        assert_eq!(luma(0, 0, 255), 29);
        assert_eq!(over_white(0, 0), 255);
        assert_eq!(over_white(0, 255), 0);
        assert_eq!(over_white(100, 128), 177);
        for c in 0..=255u8 {
            assert_eq!(over_white(c, 255), c);
        }
    }

    #[test]
    fn trims_uniform_border_and_nested_border() {
        let mut img = solid(40, 30, [255, 255, 255]);
        fill(
            &mut img,
            Rect {
                left: 5,
                top: 4,
                right: 35,
                bottom: 26,
            },
            [0, 0, 0],
        );
        fill(
            &mut img,
            Rect {
                left: 8,
                top: 7,
                right: 30,
                bottom: 20,
            },
            [200, 10, 10],
        );
        fill(
            &mut img,
            Rect {
                left: 12,
                top: 9,
                right: 20,
                bottom: 10,
            },
            [0, 200, 0],
        );
        fill(
            &mut img,
            Rect {
                left: 25,
                top: 15,
                right: 26,
                bottom: 16,
            },
            [0, 0, 250],
        );
        // Expected from iscc_sdk.image.image_trim_tolerant on the same pixels: white, then
        // black, then red are trimmed; the green/blue box's reference pixel is green.
        assert_eq!(
            trim_tolerant(&img),
            Rect {
                left: 12,
                top: 9,
                right: 26,
                bottom: 16
            }
        );
    }

    #[test]
    fn keeps_uniform_image_and_one_sided_gradient() {
        let img = solid(10, 10, [9, 9, 9]);
        assert_eq!(
            trim_tolerant(&img),
            Rect {
                left: 0,
                top: 0,
                right: 10,
                bottom: 10
            }
        );
        // Top rows form a gradient 0, 10, ..., not flat at tolerance 8: kept.
        let mut img = solid(10, 10, [250, 0, 0]);
        for y in 0..5 {
            fill(
                &mut img,
                Rect {
                    left: 0,
                    top: y,
                    right: 10,
                    bottom: y + 1,
                },
                [10 * y as u8, 0, 0],
            );
        }
        assert_eq!(
            trim_tolerant(&img),
            Rect {
                left: 0,
                top: 0,
                right: 10,
                bottom: 10
            }
        );
    }
}
