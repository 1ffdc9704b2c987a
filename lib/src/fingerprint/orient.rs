//! Where each stored pixel lands in the displayed (EXIF-transposed) image.
//!
//! Equivalent to Pillow's `Image.transpose` with the method `ImageOps.exif_transpose` picks for
//! each EXIF orientation, applied while copying instead of as a separate pass.

use image::metadata::Orientation;

/// Maps stored coordinates to an index in the displayed image's row-major pixel array.
#[derive(Debug, Clone, Copy)]
pub(super) struct Placement {
    orientation: Orientation,
    /// Stored width.
    width: usize,
    /// Stored height.
    height: usize,
}

impl Placement {
    /// A placement for an image stored as `width` x `height` pixels.
    pub(super) fn new(orientation: Orientation, width: usize, height: usize) -> Self {
        Self {
            orientation,
            width,
            height,
        }
    }

    /// True if the transform swaps width and height.
    fn swaps_axes(&self) -> bool {
        matches!(
            self.orientation,
            Orientation::Rotate90
                | Orientation::Rotate270
                | Orientation::Rotate90FlipH
                | Orientation::Rotate270FlipH
        )
    }

    /// Stored width.
    pub(super) fn stored_width(&self) -> usize {
        self.width
    }

    /// Displayed (width, height).
    pub(super) fn displayed_size(&self) -> (usize, usize) {
        if self.swaps_axes() {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }

    /// Pixel index in the displayed image of the stored pixel at (`x`, `y`).
    pub(super) fn index(&self, x: usize, y: usize) -> usize {
        let (w, h) = (self.width, self.height);
        let (dw, _) = self.displayed_size();
        let (dx, dy) = match self.orientation {
            Orientation::NoTransforms => (x, y),
            // EXIF 2, Pillow FLIP_LEFT_RIGHT.
            Orientation::FlipHorizontal => (w - 1 - x, y),
            // EXIF 3, Pillow ROTATE_180.
            Orientation::Rotate180 => (w - 1 - x, h - 1 - y),
            // EXIF 4, Pillow FLIP_TOP_BOTTOM.
            Orientation::FlipVertical => (x, h - 1 - y),
            // EXIF 5, Pillow TRANSPOSE.
            Orientation::Rotate90FlipH => (y, x),
            // EXIF 6, Pillow ROTATE_270 (90 degrees clockwise).
            Orientation::Rotate90 => (h - 1 - y, x),
            // EXIF 7, Pillow TRANSVERSE.
            Orientation::Rotate270FlipH => (h - 1 - y, w - 1 - x),
            // EXIF 8, Pillow ROTATE_90 (90 degrees counter-clockwise).
            Orientation::Rotate270 => (y, w - 1 - x),
        };
        dy * dw + dx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Displayed image (as stored-pixel numbers) of a 3x2 image numbered 0..6 row by row.
    fn displayed(orientation: Orientation) -> Vec<usize> {
        let p = Placement::new(orientation, 3, 2);
        let mut out = vec![usize::MAX; 6];
        for y in 0..2 {
            for x in 0..3 {
                out[p.index(x, y)] = y * 3 + x;
            }
        }
        out
    }

    #[test]
    fn matches_pillow_transpose_methods() {
        // Stored:  0 1 2
        //          3 4 5
        assert_eq!(displayed(Orientation::NoTransforms), [0, 1, 2, 3, 4, 5]);
        assert_eq!(displayed(Orientation::FlipHorizontal), [2, 1, 0, 5, 4, 3]);
        assert_eq!(displayed(Orientation::Rotate180), [5, 4, 3, 2, 1, 0]);
        assert_eq!(displayed(Orientation::FlipVertical), [3, 4, 5, 0, 1, 2]);
        // 2 wide, 3 high from here on.
        assert_eq!(displayed(Orientation::Rotate90FlipH), [0, 3, 1, 4, 2, 5]);
        assert_eq!(displayed(Orientation::Rotate90), [3, 0, 4, 1, 5, 2]);
        assert_eq!(displayed(Orientation::Rotate270FlipH), [5, 2, 4, 1, 3, 0]);
        assert_eq!(displayed(Orientation::Rotate270), [2, 5, 1, 4, 0, 3]);
    }
}
