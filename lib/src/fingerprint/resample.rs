//! Pillow's `Image.resize(size, Image.BICUBIC)` for 8-bit single-band ("L") images, bit for bit.
//!
//! A transcription of `ImagingResample` in Pillow 13.0.0's `src/libImaging/Resample.c` for the
//! case iscc-sdk uses: the whole image (`box = (0, 0, w,
//! h)`), no `reducing_gap`:
//!
//! * coefficients per output pixel from the a = -0.5 cubic, support 2 scaled by the downscale
//!   factor (`filterscale = max(in / out, 1)`), centre `(x + 0.5) * scale`, window bounds rounded
//!   with `(int)(c +- support + 0.5)` and clamped to the image, normalised to sum 1 in `f64`,
//!   then converted to fixed point with 22 fractional bits (`PRECISION_BITS = 32 - 8 - 2`),
//!   rounding half away from zero;
//! * two passes with an 8-bit intermediate image, each skipped when its axis keeps its size;
//!   horizontal first (only over the rows the vertical pass reads) unless the height shrinks by
//!   more than twice as many pixels as the width (Pillow 13's order, see [`vertical_first`]);
//! * accumulation in 32-bit integers starting at `1 << 21`, result `>> 22` clipped to 0..=255.

use std::borrow::Cow;

/// a = -0.5 bicubic support in source pixels at scale 1.
const BICUBIC_SUPPORT: f64 = 2.0;
/// Pillow's `PRECISION_BITS`.
const PRECISION_BITS: u32 = 32 - 8 - 2;

/// Pillow's `bicubic_filter` (Keys cubic, a = -0.5).
fn bicubic(x: f64) -> f64 {
    const A: f64 = -0.5;
    let x = x.abs();
    if x < 1.0 {
        ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
    } else if x < 2.0 {
        (((x - 5.0) * x + 8.0) * x - 4.0) * A
    } else {
        0.0
    }
}

/// Fixed-point filter weights for one axis: output pixel `i` reads `len[i]` source pixels
/// starting at `start[i]` with weights `weights[i * ksize..]`.
struct Coefficients {
    ksize: usize,
    start: Vec<usize>,
    len: Vec<usize>,
    weights: Vec<i32>,
}

impl Coefficients {
    /// Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for resampling `in_size` source
    /// pixels (box `0..in_size`) to `out_size` pixels.
    fn new(in_size: usize, out_size: usize) -> Self {
        // Pillow passes the box as C floats; exact for any size below 2^24.
        let scale = f64::from(in_size as f32) / out_size as f64;
        let filterscale = scale.max(1.0);
        let support = BICUBIC_SUPPORT * filterscale;
        let ksize = support.ceil() as usize * 2 + 1;
        let inv_filterscale = 1.0 / filterscale;
        let mut c = Self {
            ksize,
            start: Vec::with_capacity(out_size),
            len: Vec::with_capacity(out_size),
            weights: Vec::with_capacity(out_size * ksize),
        };
        let mut k = vec![0.0f64; ksize];
        for xx in 0..out_size {
            let center = (xx as f64 + 0.5) * scale;
            // C `(int)` truncates toward zero; clamp as Pillow does.
            let xmin = ((center - support + 0.5) as i64).max(0);
            let xmax = ((center + support + 0.5) as i64).min(in_size as i64);
            let n = (xmax - xmin).clamp(0, ksize as i64) as usize;
            let mut ww = 0.0;
            for (x, kx) in k.iter_mut().enumerate().take(n) {
                let w = bicubic(((x as i64 + xmin) as f64 - center + 0.5) * inv_filterscale);
                *kx = w;
                ww += w;
            }
            if ww != 0.0 {
                k.iter_mut().take(n).for_each(|kx| *kx /= ww);
            }
            c.start.push(xmin as usize);
            c.len.push(n);
            c.weights.extend(
                k.iter()
                    .enumerate()
                    .map(|(x, &w)| if x < n { to_fixed(w) } else { 0 }),
            );
        }
        c
    }

    /// Weights of output pixel `i`.
    fn of(&self, i: usize) -> &[i32] {
        &self.weights[i * self.ksize..i * self.ksize + self.len[i]]
    }
}

/// `normalize_coeffs_8bpc`: `(int)(w * 2^22 +- 0.5)`, i.e. rounding half away from zero.
fn to_fixed(w: f64) -> i32 {
    let scaled = w * f64::from(1u32 << PRECISION_BITS);
    if w < 0.0 {
        (scaled - 0.5) as i32
    } else {
        (scaled + 0.5) as i32
    }
}

/// Pillow's `clip8`: the accumulator shifted down, clipped to 0..=255.
fn clip8(acc: i32) -> u8 {
    (acc >> PRECISION_BITS).clamp(0, 255) as u8
}

/// Dot product of `pixels` and `weights` in Pillow's 32-bit accumulator (wrapping like C's int,
/// which cannot actually overflow for normalised weights).
fn convolve(pixels: impl Iterator<Item = u8>, weights: &[i32]) -> u8 {
    let acc = pixels
        .zip(weights)
        .fold(1i32 << (PRECISION_BITS - 1), |acc, (p, &w)| {
            acc.wrapping_add(i32::from(p).wrapping_mul(w))
        });
    clip8(acc)
}

/// Resizes the `width` x `height` 8-bit grayscale image `src` (row-major) to `out_w` x `out_h`
/// exactly as Pillow 13's `Image.resize((out_w, out_h), Image.BICUBIC)` does for mode "L".
///
/// `src.len()` must be `width * height` and all sizes non-zero; callers pass buffers they built
/// to that size.
pub(super) fn resize_bicubic(
    src: &[u8],
    width: usize,
    height: usize,
    out_w: usize,
    out_h: usize,
) -> Vec<u8> {
    debug_assert_eq!(
        src.len(),
        width * height,
        "source buffer does not match its dimensions"
    );
    if vertical_first(width, height, out_w, out_h) {
        resize_vertical_first(src, width, height, out_w, out_h)
    } else {
        resize_horizontal_first(src, width, height, out_w, out_h)
    }
}

/// Pillow 13's pass order (`ImagingResampleInner`): vertical pass first if the height shrinks
/// by more than twice as many pixels as the width (`dh > 0 && dh > 2 * dw`). Pillow 12 and
/// earlier always ran the horizontal pass first, which differs by +-1 in some pixels for such
/// images (the ISCC code is usually, not always, the same).
fn vertical_first(width: usize, height: usize, out_w: usize, out_h: usize) -> bool {
    let dh = height as i64 - out_h as i64;
    let dw = width as i64 - out_w as i64;
    dh > 0 && dh > dw * 2
}

/// Horizontal pass (over the rows the vertical pass reads) then vertical pass; a pass is
/// skipped when its axis keeps its size.
fn resize_horizontal_first(
    src: &[u8],
    width: usize,
    height: usize,
    out_w: usize,
    out_h: usize,
) -> Vec<u8> {
    let vert = Coefficients::new(height, out_h);
    // Rows the vertical pass reads (`ybox_first..ybox_last` in Pillow).
    let (first, last) = match (vert.start.first(), vert.start.last(), vert.len.last()) {
        (Some(&f), Some(&s), Some(&n)) => (f, s + n),
        _ => (0, 0),
    };
    let (tmp, tmp_w, row_offset) = if out_w != width {
        let horiz = Coefficients::new(width, out_w);
        (
            Cow::Owned(horizontal_pass(src, width, first..last, &horiz)),
            out_w,
            first,
        )
    } else {
        (Cow::Borrowed(src), width, 0)
    };
    if out_h == height {
        return tmp.into_owned();
    }
    vertical_pass(&tmp, tmp_w, row_offset, &vert)
}

/// Vertical pass over the whole image, then horizontal pass (only used when the height
/// shrinks, so the vertical pass is always needed).
fn resize_vertical_first(
    src: &[u8],
    width: usize,
    height: usize,
    out_w: usize,
    out_h: usize,
) -> Vec<u8> {
    let tmp = vertical_pass(src, width, 0, &Coefficients::new(height, out_h));
    if out_w == width {
        return tmp;
    }
    horizontal_pass(&tmp, width, 0..out_h, &Coefficients::new(width, out_w))
}

/// Horizontal pass over source rows `rows`, producing `rows.len()` rows of `c.len.len()` pixels.
fn horizontal_pass(
    src: &[u8],
    width: usize,
    rows: std::ops::Range<usize>,
    c: &Coefficients,
) -> Vec<u8> {
    let out_w = c.start.len();
    let mut out = Vec::with_capacity(out_w * rows.len());
    for y in rows {
        let line = &src[y * width..(y + 1) * width];
        for xx in 0..out_w {
            let start = c.start[xx];
            out.push(convolve(line[start..].iter().copied(), c.of(xx)));
        }
    }
    out
}

/// Vertical pass over `src` (`width` wide, whose first row is source row `row_offset`).
fn vertical_pass(src: &[u8], width: usize, row_offset: usize, c: &Coefficients) -> Vec<u8> {
    let out_h = c.start.len();
    let mut out = Vec::with_capacity(width * out_h);
    for yy in 0..out_h {
        let start = c.start[yy] - row_offset;
        for xx in 0..width {
            let column = src[start * width + xx..].iter().step_by(width).copied();
            out.push(convolve(column, c.of(yy)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_matches_keys_cubic() {
        assert_eq!(bicubic(0.0), 1.0);
        assert_eq!(bicubic(1.0), 0.0);
        assert_eq!(bicubic(2.0), 0.0);
        assert_eq!(bicubic(0.5), 0.5625);
        assert_eq!(bicubic(-1.5), -0.0625);
    }

    #[test]
    fn fixed_point_rounds_half_away_from_zero() {
        assert_eq!(to_fixed(1.0), 1 << 22);
        assert_eq!(to_fixed(-0.0625), -(1 << 18));
        assert_eq!(to_fixed(0.5 / f64::from(1u32 << 22)), 1);
        assert_eq!(to_fixed(-0.5 / f64::from(1u32 << 22)), -1);
    }

    #[test]
    fn identity_size_is_a_copy() {
        let src: Vec<u8> = (0..32 * 32).map(|i| (i % 251) as u8).collect();
        assert_eq!(resize_bicubic(&src, 32, 32, 32, 32), src);
    }

    #[test]
    fn constant_image_stays_constant() {
        for &(w, h) in &[(1, 1), (7, 5), (100, 33), (451, 300), (1000, 9)] {
            let src = vec![137u8; w * h];
            assert!(
                resize_bicubic(&src, w, h, 32, 32).iter().all(|&p| p == 137),
                "{w}x{h}"
            );
        }
    }
}
