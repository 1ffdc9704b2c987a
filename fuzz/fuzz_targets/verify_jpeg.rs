//! Verify arbitrary bytes declared as Jpeg.
#![no_main]

use hallmark::MediaFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| hallmark_fuzz::verify_as(Some(MediaFormat::Jpeg), data));
