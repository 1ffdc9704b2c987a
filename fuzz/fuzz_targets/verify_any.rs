//! Verify arbitrary bytes as any format: the first byte picks the declared
//! format (PDF included), or none when it is 0xff, so the content sniffing and every handler
//! see bytes that contradict what the caller claimed.
#![no_main]

use hallmark::MediaFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let formats = MediaFormat::ALL;
    let declared = (pick != 0xff).then(|| formats[usize::from(pick) % formats.len()]);
    hallmark_fuzz::verify_as(declared, rest);
});
