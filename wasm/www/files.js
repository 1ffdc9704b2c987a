// Small helpers about the user's input: MIME types, PEM certificates, sizes.

/** Extension → MIME type, for files the browser gives no type (it often leaves HEIC, JXL, DNG… blank). */
const MIME_BY_EXTENSION = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', jpe: 'image/jpeg', jfif: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  tif: 'image/tiff', tiff: 'image/tiff',
  dng: 'image/x-adobe-dng',
  svg: 'image/svg+xml',
  heic: 'image/heic', heif: 'image/heif', hif: 'image/heif',
  avif: 'image/avif',
  jxl: 'image/jxl',
  mp4: 'video/mp4', m4v: 'video/mp4',
  mov: 'video/quicktime', qt: 'video/quicktime',
  avi: 'video/x-msvideo',
  m4a: 'audio/mp4',
  wav: 'audio/wav', wave: 'audio/wav',
  aif: 'audio/aiff', aiff: 'audio/aiff', aifc: 'audio/aiff',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  pdf: 'application/pdf',
};

/**
 * The MIME type to announce for `file`: the browser's, else a guess from the
 * extension, else "" (the verifier then goes by the file's content alone).
 */
export function mimeTypeOf(file) {
  if (file.type) return file.type;
  const dot = file.name.lastIndexOf('.');
  const extension = dot < 0 ? '' : file.name.slice(dot + 1).toLowerCase();
  return MIME_BY_EXTENSION[extension] ?? '';
}

/** The separate `-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----` blocks in `text`. */
export function splitPemCertificates(text) {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

/** A byte count for people: "812 B", "2.4 MB". */
export function formatBytes(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1000;
    unit += 1;
  } while (value >= 1000 && unit < units.length - 1);
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A duration for people: "35 ms", "1.4 s". */
export function formatDuration(ms) {
  return ms < 1000 ? `${Math.max(1, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}
