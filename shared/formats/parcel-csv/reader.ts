import { StringDecoder } from 'node:string_decoder';
import iconv from 'iconv-lite';
import type { FormatReader, ReadItem, ReadOptions } from '../types.js';
import { peek, stripBom } from '../stream.js';
import { mapHeader } from './columns.js';
import { CsvParcelParser, MAX_RECORD_CHARS, OVER_LONG_PREFIX, mayHoldUnfoldedSpace } from './parser.js';
import { splitRecord, sniffDelimiter } from './split.js';

const MIN_MAPPED_COLUMNS = 3;
/** Records per batch handed on (see read). */
const BATCH = 64;

function isUtf8(head: Buffer): boolean {
  // A multi-byte sequence cut at the end of the head is not an encoding error: decoded as a
  // stream, the bytes of an unfinished character wait for the rest. (Cutting a fixed 4 bytes
  // off instead cut a character in two whenever one began 5 bytes before the end, and a valid
  // UTF-8 file was then read as Windows-1252: "Munición" as "MuniciÃ³n", unscreenable.)
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

type TextDecoderLike = { write(b: Buffer): string; end(): string };

/** UTF-8 (with or without BOM) when the bytes are valid UTF-8, else Windows-1252. */
function decoderFor(head: Buffer): TextDecoderLike {
  if (isUtf8(stripBom(head))) return new StringDecoder('utf8');
  const d = iconv.getDecoder('win1252');
  return { write: (b) => d.write(b), end: () => d.end() ?? '' };
}

function firstLine(head: Buffer): string {
  const body = stripBom(head);
  const nl = body.indexOf(10);
  const d = decoderFor(head);
  return d.write(nl < 0 ? body : body.subarray(0, nl)).replace(/\r$/, '');
}

/** Parcel manifests: CSV, semicolon or tab separated, one row per item, rows grouped by parcel. */
export const parcelCsvReader: FormatReader = {
  id: 'parcel-csv',
  label: 'parcel manifest (CSV)',

  detect(head: Buffer, options?: ReadOptions): boolean {
    const header = firstLine(head);
    const delimiter = sniffDelimiter(header);
    if (!delimiter) return false;
    const mapped = mapHeader(splitRecord(header, delimiter).fields, options?.profile).filter(Boolean);
    return mapped.length >= MIN_MAPPED_COLUMNS;
  },

  async *read(chunks: AsyncIterable<Buffer>, options: ReadOptions): AsyncGenerator<ReadItem[]> {
    const parser = new CsvParcelParser(options.profile);
    // The encoding is decided on the first 64 KiB, not the first chunk (which may be all ASCII).
    const { head, stream } = await peek(chunks);
    const decoder = decoderFor(head);
    let carry = '';
    let n = 0;
    // UTF-8: decode whole lines straight from the bytes (a newline byte never sits inside a
    // multi-byte character), keeping the unfinished line as bytes. Other encodings stream-decode.
    const utf8 = decoder instanceof StringDecoder;
    // Faster than Buffer#toString on text with accents (~185 against ~285 ms for 180 MB on
    // Node 20, in stream mode); every call ends at a newline, so no state carries between calls.
    const lines = new TextDecoder('utf-8', { ignoreBOM: true });
    const decode = (bytes: Uint8Array) => lines.decode(bytes, { stream: true });
    /** The unfinished line, as the chunks that hold it (joined once its line feed comes). */
    let carryBytes: Buffer[] = [];
    let carrySize = 0;
    /** The unfinished line may hold a NUL byte (its chunk did). */
    let carryNul = false;
    /**
     * Inside a line longer than MAX_RECORD_CHARS bytes, already reported: what is left of it is
     * dropped unread up to its line feed, so memory stays bounded by the limit, not the line.
     */
    let skipping = false;
    // Records go out in small batches, not one per chunk: a batch stays alive until its consumer
    // has validated and screened it, and a smaller live set means less for the garbage collector
    // to copy and promote while screening allocates.
    let out: ReadItem[] = [];
    /**
     * Feeds every complete line of `text` to the parser, yielding full batches; returns the
     * unfinished rest. `checked`: the text may hold a NUL byte or a line over the limit (one test
     * per chunk decides), and only then is each line looked at for them.
     */
    function* feed(text: string, checked: boolean): Generator<ReadItem[], string> {
      // One quote search per chunk, not one per line: most chunks hold no quote at all, and
      // their lines skip the quote-aware split. Likewise for white space that validation would
      // fold. Lines are cut by indexOf (see splitPlain).
      const mayQuote = text.includes('"');
      const mayUnfold = mayHoldUnfoldedSpace(text, parser.delimiter);
      let from = 0;
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', from)) {
        n += 1;
        if (
          checked &&
          at - from > MAX_RECORD_CHARS / 3 &&
          byteLength(text.slice(from, at)) > MAX_RECORD_CHARS
        )
          parser.overLong(text.slice(from, from + OVER_LONG_PREFIX), n, out);
        else {
          const end = at > from && text.charCodeAt(at - 1) === 13 ? at - 1 : at;
          const line = text.slice(from, end);
          parser.line(line, n, out, mayQuote, mayUnfold);
          if (checked && line.includes('\0')) parser.nul(n);
        }
        from = at + 1;
        if (out.length >= BATCH) {
          yield out;
          out = [];
        }
      }
      return text.slice(from);
    }
    /** A line's bytes in the file (UTF-16 units are 1 to 3 bytes of UTF-8, 1 of Windows-1252). */
    const byteLength = (line: string) => (utf8 ? Buffer.byteLength(line) : line.length);
    /**
     * The line after the last one read is over the limit: rejects it, given its first characters.
     * In UTF-8, 3 bytes a character at most: OVER_LONG_PREFIX characters are in the first
     * 3 × OVER_LONG_PREFIX + 3 bytes, whatever the chunks were (see feed).
     */
    function overLong(start: Buffer[] | string): void {
      let prefix: string;
      if (typeof start === 'string') prefix = start;
      else {
        const size = start.reduce((sum, b) => sum + b.length, 0);
        const bytes = Buffer.concat(start, Math.min(size, 3 * OVER_LONG_PREFIX + 3));
        prefix = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
      }
      n += 1;
      parser.overLong(prefix.slice(0, OVER_LONG_PREFIX), n, out);
    }
    /** The unfinished line passed the limit: rejects it, and drops the rest of it unread. */
    function skipUnfinished(start: Buffer[] | string): void {
      overLong(start);
      skipping = true;
      carryBytes = [];
      carrySize = 0;
      carry = '';
    }
    for await (const chunk of stream) {
      // A NUL byte is searched once per chunk in the bytes (memchr; in a decoded string of wider
      // characters the search for U+0000 goes character by character).
      const nul = chunk.indexOf(0) >= 0;
      if (utf8) {
        let from = 0;
        if (skipping) {
          const nl = chunk.indexOf(10);
          if (nl < 0) continue;
          skipping = false;
          from = nl + 1;
        } else if (carrySize > 0) {
          // Only the unfinished line is joined to the new chunk's first line (not the whole chunk).
          const nl = chunk.indexOf(10);
          if (nl < 0) {
            carryBytes.push(chunk);
            carrySize += chunk.length;
            carryNul ||= nul;
            if (carrySize > MAX_RECORD_CHARS) skipUnfinished(carryBytes);
            continue;
          }
          if (carrySize + nl > MAX_RECORD_CHARS) overLong([...carryBytes, chunk.subarray(0, nl)]);
          else {
            carryBytes.push(chunk.subarray(0, nl + 1));
            yield* feed(decode(Buffer.concat(carryBytes)), carryNul || nul);
          }
          carryBytes = [];
          carrySize = 0;
          from = nl + 1;
        }
        const last = chunk.lastIndexOf(10);
        if (last >= from)
          yield* feed(decode(chunk.subarray(from, last + 1)), nul || last - from > MAX_RECORD_CHARS);
        const rest = Math.max(from, last + 1);
        if (rest < chunk.length) {
          carryBytes = [chunk.subarray(rest)];
          carrySize = chunk.length - rest;
          carryNul = nul;
          if (carrySize > MAX_RECORD_CHARS) skipUnfinished(carryBytes);
        }
      } else {
        let text = decoder.write(chunk);
        if (skipping) {
          const nl = text.indexOf('\n');
          if (nl < 0) continue;
          skipping = false;
          text = text.slice(nl + 1);
        } else if (carry.length > 0 && !text.includes('\n')) {
          // Still the same line: no search of the whole line again at each chunk.
          carry += text;
          carryNul ||= nul;
          if (carry.length > MAX_RECORD_CHARS) skipUnfinished(carry);
          continue;
        }
        text = carry + text;
        carry = yield* feed(text, nul || carryNul || text.length > MAX_RECORD_CHARS);
        carryNul = nul;
        if (carry.length > MAX_RECORD_CHARS) skipUnfinished(carry);
      }
      if (out.length >= BATCH) {
        yield out;
        out = [];
      }
    }
    if (utf8) carry = carrySize > 0 ? lines.decode(Buffer.concat(carryBytes)) : '';
    else if (!skipping) carry += decoder.end();
    if (carry.length > 0) {
      const last = carry.endsWith('\r') ? carry.slice(0, -1) : carry;
      parser.line(last, n + 1, out);
      if (carryNul && last.includes('\0')) parser.nul(n + 1);
    }
    parser.end(out);
    if (out.length > 0) yield out;
  },
};
