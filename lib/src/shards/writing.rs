//! Writing the filtered shard: kept members copied byte for byte.

use std::io::{IoSlice, Write};

use super::reading::Member;

/// A tar block: headers and content are padded to it.
const BLOCK: usize = 512;

/// Copy a member into the filtered shard: its header as it was (a long
/// name through the tar format's own extension), its content byte for byte.
///
/// A header that holds the whole name is written as it came, with the
/// content and its padding, in one vectored write: as `tar::Builder::append`
/// lays them out, without its copy through an 8 KiB buffer.
pub(super) fn append<W: Write>(
    builder: &mut tar::Builder<W>,
    member: &Member,
    data: &[u8],
) -> std::io::Result<()> {
    let mut header = member.header.clone();
    if header.path_bytes().as_ref() != member.path.as_bytes() {
        return builder.append_data(&mut header, &member.path, data);
    }
    let padding = (BLOCK - data.len() % BLOCK) % BLOCK;
    let zeros = [0; BLOCK];
    let mut parts = [
        IoSlice::new(header.as_bytes()),
        IoSlice::new(data),
        IoSlice::new(&zeros[..padding]),
    ];
    write_all_vectored(builder.get_mut(), &mut parts)
}

/// Write every byte of `parts`, in as few calls as the writer allows.
fn write_all_vectored<W: Write>(out: &mut W, mut parts: &mut [IoSlice<'_>]) -> std::io::Result<()> {
    IoSlice::advance_slices(&mut parts, 0);
    while !parts.is_empty() {
        match out.write_vectored(parts) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(written) => IoSlice::advance_slices(&mut parts, written),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(path: &str, data: &[u8]) -> Member {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        header.set_entry_type(tar::EntryType::Regular);
        let mut builder = tar::Builder::new(Vec::new());
        builder.append_data(&mut header, path, data).unwrap();
        let bytes = builder.into_inner().unwrap();
        let mut archive = tar::Archive::new(&bytes[..]);
        let entry = archive.entries().unwrap().next().unwrap().unwrap();
        Member {
            path: path.to_owned(),
            header: entry.header().clone(),
            data: Ok(data.to_vec()),
        }
    }

    fn via_builder(members: &[Member]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for m in members {
            let data = m.data.as_ref().unwrap();
            let mut header = m.header.clone();
            if header.path_bytes().as_ref() == m.path.as_bytes() {
                builder.append(&header, &data[..]).unwrap();
            } else {
                builder
                    .append_data(&mut header, &m.path, &data[..])
                    .unwrap();
            }
        }
        builder.into_inner().unwrap()
    }

    /// A writer that takes at most 100 bytes per call, of one slice at a time.
    struct Trickle(Vec<u8>);

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = buf.len().min(100);
            self.0.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_writer_that_takes_little_at_a_time_still_gets_every_byte() {
        let members = [member("0001.jpg", &[7; 1000]), member("0002.txt", b"abc")];
        let mut builder = tar::Builder::new(Trickle(Vec::new()));
        for m in &members {
            append(&mut builder, m, m.data.as_ref().unwrap()).unwrap();
        }
        assert_eq!(builder.into_inner().unwrap().0, via_builder(&members));
    }

    #[test]
    fn the_same_bytes_as_the_tar_builder_writes() {
        let long = format!("{}/0001.jpg", "d".repeat(120));
        let members = [
            member("0001.jpg", &[7; 1000]),
            member("0001.json", b"{}"),
            member("0002.jpg", &[1; 512]),
            member("empty.txt", b""),
            member(&long, &[3; 700]),
        ];
        let mut builder = tar::Builder::new(Vec::new());
        for m in &members {
            append(&mut builder, m, m.data.as_ref().unwrap()).unwrap();
        }
        assert_eq!(builder.into_inner().unwrap(), via_builder(&members));
    }
}
