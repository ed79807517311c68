import iconv from 'iconv-lite';
import { hasUtf8Bom } from '../stream.js';
import { DocumentError, issue } from '../../model/issues.js';

/**
 * Character encodings of a Cargo-XML document (XML 1.0 §4.3.3 and Appendix F): a byte order mark
 * decides (UTF-8, UTF-16LE, UTF-16BE), else the XML declaration (read as ASCII), else UTF-8.
 * A BOM that contradicts the declaration, UTF-16 without a BOM, or a declared encoding that
 * cannot have written the declaration itself (UTF-16 or UTF-32 in single bytes, base64, UTF-7 …)
 * is refused with ENCODING. UTF-8 and UTF-16 are decoded strictly, and a bad byte is reported with
 * the text before it, so the reader can name its line and keep what came before.
 */

export type Utf16 = 'utf-16le' | 'utf-16be';

/**
 * The UTF-16 layout of a head that starts with a UTF-16 byte order mark, or with `<?` written in
 * UTF-16 without one. Such text looks binary (every other byte of ASCII is zero).
 */
export function utf16Layout(head: Uint8Array): { encoding: Utf16; bom: boolean } | undefined {
  if (head.length < 2) return undefined;
  const [b0, b1, b2, b3] = head;
  // FF FE 00 00 is the UTF-32LE byte order mark: not read.
  if (b0 === 0xff && b1 === 0xfe && !(b2 === 0 && b3 === 0)) return { encoding: 'utf-16le', bom: true };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', bom: true };
  if (b0 === 0x3c && b1 === 0 && b2 === 0x3f && b3 === 0) return { encoding: 'utf-16le', bom: false };
  if (b0 === 0 && b1 === 0x3c && b2 === 0 && b3 === 0x3f) return { encoding: 'utf-16be', bom: false };
  return undefined;
}

/** The document's head as text, for detection: UTF-16 decoded, else bytes as Latin-1 (no BOM). */
export function headText(head: Buffer): string {
  const u16 = utf16Layout(head);
  if (u16) return new TextDecoder(u16.encoding).decode(head.subarray(0, head.length & ~1));
  return (hasUtf8Bom(head) ? head.subarray(3) : head).toString('latin1');
}

/** Bytes that could not be decoded: `before` is the text of the bytes ahead of them. */
export class EncodingFault extends Error {
  constructor(
    readonly before: string,
    message: string,
  ) {
    super(message);
    this.name = 'EncodingFault';
  }
}

export interface XmlDecoder {
  /** Decodes the next bytes; throws EncodingFault at the first byte that is not in the encoding. */
  write(bytes: Buffer): string;
  /** End of the document; throws EncodingFault when it stops inside a character. */
  end(): string;
}

const hex = (b: number | undefined) => `0x${(b ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;

/** Length of the bytes up to the last whole UTF-8 sequence (an incomplete tail waits for more). */
function utf8Whole(b: Uint8Array): number {
  const n = b.length;
  let i = n - 1;
  while (i >= 0 && i > n - 4 && (b[i]! & 0xc0) === 0x80) i -= 1;
  if (i < 0) return n;
  const c = b[i]!;
  const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  return i + need > n ? i : n;
}

/** Offset of the first byte that starts no valid UTF-8 sequence (WHATWG rules), or `end`. */
function firstBadUtf8(b: Uint8Array, end: number): number {
  let i = 0;
  while (i < end) {
    const c = b[i]!;
    if (c < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (i + k >= end || d === undefined || d < lo || d > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += need + 1;
  }
  return end;
}

/** Strict UTF-8: the fast path is one fatal TextDecoder call per chunk; the scan runs only on a fault. */
class Utf8Decoder implements XmlDecoder {
  private carry: Buffer | undefined;
  private readonly td = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  write(chunk: Buffer): string {
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const whole = utf8Whole(bytes);
    this.carry = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : undefined;
    try {
      return this.td.decode(bytes.subarray(0, whole));
    } catch {
      const at = firstBadUtf8(bytes, whole);
      throw new EncodingFault(
        this.td.decode(bytes.subarray(0, at)),
        `byte ${hex(bytes[at])} is not valid UTF-8`,
      );
    }
  }

  end(): string {
    if (this.carry)
      throw new EncodingFault('', `the document ends inside a UTF-8 character (byte ${hex(this.carry[0])})`);
    return '';
  }
}

/** Strict UTF-16 (BOM already skipped): an unpaired surrogate is a fault. */
class Utf16Decoder implements XmlDecoder {
  private carry: Buffer | undefined;
  private readonly td: TextDecoder;
  private readonly unit: (b: Buffer, at: number) => number;

  constructor(private readonly encoding: Utf16) {
    this.td = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
    this.unit = encoding === 'utf-16le' ? (b, at) => b.readUInt16LE(at) : (b, at) => b.readUInt16BE(at);
  }

  write(chunk: Buffer): string {
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    let whole = bytes.length & ~1;
    // A high surrogate waits for its low half.
    if (whole >= 2) {
      const u = this.unit(bytes, whole - 2);
      if (u >= 0xd800 && u <= 0xdbff) whole -= 2;
    }
    this.carry = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : undefined;
    try {
      return this.td.decode(bytes.subarray(0, whole));
    } catch {
      let at = 0;
      while (at < whole) {
        const u = this.unit(bytes, at);
        if (u >= 0xd800 && u <= 0xdbff && at + 2 < whole) {
          const v = this.unit(bytes, at + 2);
          if (v >= 0xdc00 && v <= 0xdfff) {
            at += 4;
            continue;
          }
        }
        if (u >= 0xd800 && u <= 0xdfff) break;
        at += 2;
      }
      throw new EncodingFault(
        this.td.decode(bytes.subarray(0, at)),
        `an unpaired UTF-16 surrogate (0x${this.unit(bytes, at).toString(16).toUpperCase()}) is not a character`,
      );
    }
  }

  end(): string {
    if (this.carry)
      throw new EncodingFault('', `the document ends inside a ${this.encoding.toUpperCase()} character`);
    return '';
  }
}

function refuse(message: string): never {
  throw new DocumentError(issue('ENCODING', 1, message));
}

const UTF8_NAMES = /^utf-?8$/i;
/** Names of UTF-16 that leave the byte order to the BOM. */
const UTF16_NAMES = /^(?:utf-?16|ucs-?2|unicode)$/i;
const WIDE_NAMES = /^(?:utf-?16(?:le|be)?|ucs-?2|unicode|utf-?32(?:le|be)?|ucs-?4)$/i;

/** ASCII as a declaration is written: an encoding that does not decode it to itself cannot have written it. */
const ASCII_PROBE = Buffer.from(Array.from({ length: 95 }, (_, i) => i + 32).concat([9, 10, 13]));
const ASCII_TEXT = ASCII_PROBE.toString('latin1');

/** The encoding the XML declaration names (at the very start of `text`), if any. */
function declaredEncoding(text: string): string | undefined {
  return /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(text)?.[1];
}

/**
 * Picks the decoder for a document from its first bytes (at least 512 when the document has them).
 * Returns the decoder and how many BOM bytes to skip; refuses with ENCODING what it cannot read.
 */
export interface OpenedDecoder {
  decoder: XmlDecoder;
  /** BOM bytes to skip. */
  skip: number;
  /** The encoding, for messages (e.g. "UTF-8"). */
  name: string;
  /** What chose it: the byte order mark, the XML declaration, or neither (UTF-8 by default). */
  by: 'byte order mark' | 'XML declaration' | 'default';
}

export function openDecoder(first: Buffer): OpenedDecoder {
  const u16 = utf16Layout(first);
  if (u16) {
    const name = u16.encoding.toUpperCase();
    if (!u16.bom)
      refuse(
        `the document is ${name} without a byte order mark, which XML does not allow (XML 1.0 §4.3.3); send it in UTF-8, or in UTF-16 starting with the byte order mark`,
      );
    const declared = declaredEncoding(headText(first.subarray(0, 1024)));
    const fits =
      declared === undefined ||
      UTF16_NAMES.test(declared) ||
      declared.replace(/-/g, '').toLowerCase() === u16.encoding.replace('-', '');
    if (!fits)
      refuse(
        `the document starts with a ${name} byte order mark but its XML declaration names encoding "${declared}"; the two contradict each other`,
      );
    return { decoder: new Utf16Decoder(u16.encoding), skip: 2, name, by: 'byte order mark' };
  }
  const bom = hasUtf8Bom(first);
  const declared = declaredEncoding(headText(first.subarray(0, 515)));
  if (bom) {
    if (declared !== undefined && !UTF8_NAMES.test(declared))
      refuse(
        `the document starts with a UTF-8 byte order mark but its XML declaration names encoding "${declared}"; the two contradict each other`,
      );
    return { decoder: new Utf8Decoder(), skip: 3, name: 'UTF-8', by: 'byte order mark' };
  }
  if (declared === undefined || UTF8_NAMES.test(declared))
    return {
      decoder: new Utf8Decoder(),
      skip: 0,
      name: 'UTF-8',
      by: declared === undefined ? 'default' : 'XML declaration',
    };
  if (WIDE_NAMES.test(declared))
    refuse(
      `the XML declaration names encoding "${declared}", but the document is written in single bytes (its declaration reads as ASCII, and it has no byte order mark); declare the encoding actually used`,
    );
  if (!iconv.encodingExists(declared))
    refuse(`the XML declaration names encoding "${declared}", which this system cannot decode`);
  if (iconv.decode(ASCII_PROBE, declared) !== ASCII_TEXT)
    refuse(
      `the XML declaration names encoding "${declared}", which does not write ASCII as single bytes, yet the declaration itself is written so; declare the encoding actually used`,
    );
  const dec = iconv.getDecoder(declared);
  return {
    decoder: { write: (b) => dec.write(b), end: () => dec.end() ?? '' },
    skip: 0,
    name: declared,
    by: 'XML declaration',
  };
}
