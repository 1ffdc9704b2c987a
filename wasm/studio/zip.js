// A ZIP archive of files the page already holds, built as a Blob of parts:
// stored, not compressed (signed pictures and sound are compressed
// already), so nothing is copied — the archive refers to each file's Blob.
// UTF-8 names; ZIP64 records where an archive passes 4 GiB or 65,535 files.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32 (ISO 3309, as ZIP uses it) of `bytes` (a Uint8Array or an ArrayBuffer). */
export function crc32(bytes) {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let crc = 0xffffffff;
  for (let i = 0; i < view.length; i += 1) crc = CRC_TABLE[(crc ^ view[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const LIMIT_32 = 0xffffffff;
const LIMIT_16 = 0xffff;
const UTF8_NAMES = 0x0800;
const VERSION_ZIP64 = 45;
const VERSION_PLAIN = 20;
const MADE_BY_UNIX = 3 << 8;
const REGULAR_FILE_644 = 0o100644 * 0x10000;

/** Little-endian record writer. */
class Record {
  constructor(size) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.at = 0;
  }

  u16(value) { this.view.setUint16(this.at, value, true); this.at += 2; return this; }

  u32(value) { this.view.setUint32(this.at, value >>> 0, true); this.at += 4; return this; }

  u64(value) { this.view.setBigUint64(this.at, BigInt(value), true); this.at += 8; return this; }

  raw(bytes) { this.bytes.set(bytes, this.at); this.at += bytes.length; return this; }
}

/** `date` as MS-DOS time and date (local time, two-second steps, from 1980). */
function dosTime(date) {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/**
 * Collects files and makes the archive. Add each file with its CRC-32 (the
 * worker computes it while it holds the bytes); `blob()` gives the archive.
 */
export class ZipBuilder {
  constructor(now = new Date()) {
    this.parts = [];
    this.entries = [];
    this.offset = 0;
    this.names = new Set();
    this.stamp = dosTime(now);
  }

  /** A name not yet used in the archive: `name`, else `name (2)`, `name (3)`… before the extension. */
  uniqueName(name) {
    const clean = name.replace(/\\/g, '/').replace(/^\/+/, '').split('/').filter((p) => p && p !== '.' && p !== '..').join('/') || 'file';
    let candidate = clean;
    const dot = clean.lastIndexOf('.');
    const [stem, extension] = dot > clean.lastIndexOf('/') + 1 ? [clean.slice(0, dot), clean.slice(dot)] : [clean, ''];
    for (let n = 2; this.names.has(candidate); n += 1) candidate = `${stem} (${n})${extension}`;
    this.names.add(candidate);
    return candidate;
  }

  /** Add `blob` as `name`, with its CRC-32. */
  add(name, blob, crc) {
    const encoded = new TextEncoder().encode(this.uniqueName(name));
    const size = blob.size;
    const zip64 = size >= LIMIT_32; // the local header holds sizes only
    const header = new Record(30 + encoded.length + (zip64 ? 20 : 0))
      .u32(0x04034b50)
      .u16(zip64 ? VERSION_ZIP64 : VERSION_PLAIN)
      .u16(UTF8_NAMES)
      .u16(0) // stored
      .u16(this.stamp.time)
      .u16(this.stamp.date)
      .u32(crc)
      .u32(zip64 ? LIMIT_32 : size)
      .u32(zip64 ? LIMIT_32 : size)
      .u16(encoded.length)
      .u16(zip64 ? 20 : 0)
      .raw(encoded);
    if (zip64) header.u16(0x0001).u16(16).u64(size).u64(size);
    this.entries.push({ name: encoded, size, crc, offset: this.offset });
    this.parts.push(header.bytes, blob);
    this.offset += header.bytes.length + size;
  }

  /** The archive. */
  blob() {
    const directoryStart = this.offset;
    const directory = this.entries.map((entry) => this.centralHeader(entry));
    const directorySize = directory.reduce((sum, record) => sum + record.length, 0);
    const count = this.entries.length;
    const tail = [];
    const zip64 = count >= LIMIT_16 || directoryStart >= LIMIT_32 || directorySize >= LIMIT_32;
    if (zip64) {
      const zip64End = directoryStart + directorySize;
      tail.push(new Record(56)
        .u32(0x06064b50).u64(44)
        .u16(MADE_BY_UNIX | VERSION_ZIP64).u16(VERSION_ZIP64)
        .u32(0).u32(0)
        .u64(count).u64(count)
        .u64(directorySize).u64(directoryStart).bytes);
      tail.push(new Record(20).u32(0x07064b50).u32(0).u64(zip64End).u32(1).bytes);
    }
    tail.push(new Record(22)
      .u32(0x06054b50).u16(0).u16(0)
      .u16(zip64 ? LIMIT_16 : count).u16(zip64 ? LIMIT_16 : count)
      .u32(zip64 ? LIMIT_32 : directorySize).u32(zip64 ? LIMIT_32 : directoryStart)
      .u16(0).bytes);
    return new Blob([...this.parts, ...directory, ...tail], { type: 'application/zip' });
  }

  centralHeader({ name, size, crc, offset }) {
    const bigSize = size >= LIMIT_32;
    const bigOffset = offset >= LIMIT_32;
    const extra = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
    const record = new Record(46 + name.length + (extra ? 4 + extra : 0))
      .u32(0x02014b50)
      .u16(MADE_BY_UNIX | (extra ? VERSION_ZIP64 : VERSION_PLAIN))
      .u16(extra ? VERSION_ZIP64 : VERSION_PLAIN)
      .u16(UTF8_NAMES)
      .u16(0)
      .u16(this.stamp.time)
      .u16(this.stamp.date)
      .u32(crc)
      .u32(bigSize ? LIMIT_32 : size)
      .u32(bigSize ? LIMIT_32 : size)
      .u16(name.length)
      .u16(extra ? 4 + extra : 0)
      .u16(0) // no comment
      .u16(0) // disk
      .u16(0) // internal attributes
      .u32(REGULAR_FILE_644)
      .u32(bigOffset ? LIMIT_32 : offset)
      .raw(name);
    if (extra) {
      record.u16(0x0001).u16(extra);
      if (bigSize) record.u64(size).u64(size);
      if (bigOffset) record.u64(offset);
    }
    return record.bytes;
  }
}
