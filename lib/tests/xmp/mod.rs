//! The IPTC mirror: the creator's choice written into XMP in every carrier
//! hallmark writes (merged into an existing packet, never a second one),
//! read back from those and from PDF's TDMRep, and hostile packets refused.
//! The samples in `tests/fixtures/xmp/` include files whose XMP ExifTool
//! wrote; the real-tool suite (ExifTool reading what hallmark writes) is in
//! the CLI's tests.

mod carriers;
mod packets;
