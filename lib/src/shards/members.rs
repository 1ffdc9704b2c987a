//! Tar members as WebDataset sees them: a sample is the run of consecutive
//! members sharing a key, the key being the member's path up to the first
//! dot of its file name (`images/0001.jpg` and `images/0001.json` are sample
//! `images/0001`); the rest is the extension (`jpg`, `left.jpg`).

use crate::format::MediaFormat;

/// A member's key and extension under WebDataset's rule; a name without a
/// dot in its file name is its own key with no extension.
pub(crate) fn split_key(path: &str) -> (&str, Option<&str>) {
    let file_start = path.rfind('/').map_or(0, |slash| slash + 1);
    match path[file_start..].find('.') {
        Some(dot) => {
            let at = file_start + dot;
            (&path[..at], Some(&path[at + 1..]))
        }
        None => (path, None),
    }
}

/// The media format of a member, if it is media: by the last part of its
/// extension (`left.jpg` → JPEG), or, for a member without one, by its
/// content. Text, JSON and class labels are not media.
pub(crate) fn media_format(extension: Option<&str>, bytes: &[u8]) -> Option<MediaFormat> {
    match extension {
        Some(extension) => {
            let last = extension.rsplit('.').next().unwrap_or(extension);
            MediaFormat::from_extension(last).filter(|format| format.can_verify())
        }
        None => MediaFormat::sniff(bytes).filter(|format| format.can_verify()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_webdataset() {
        assert_eq!(split_key("a/b/0001.jpg"), ("a/b/0001", Some("jpg")));
        assert_eq!(split_key("0001.left.jpg"), ("0001", Some("left.jpg")));
        assert_eq!(split_key("dir.v2/0001.txt"), ("dir.v2/0001", Some("txt")));
        assert_eq!(split_key("0001"), ("0001", None));
        assert_eq!(split_key(".hidden"), ("", Some("hidden")));
    }

    #[test]
    fn media_is_told_by_the_extension_or_the_content() {
        assert_eq!(media_format(Some("jpg"), b""), Some(MediaFormat::Jpeg));
        assert_eq!(media_format(Some("left.png"), b""), Some(MediaFormat::Png));
        assert_eq!(media_format(Some("json"), b"{}"), None);
        assert_eq!(media_format(Some("cls"), b"3"), None);
        assert_eq!(
            media_format(None, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(MediaFormat::Png)
        );
        assert_eq!(media_format(None, b"hello"), None);
    }
}
