import { StringDecoder } from 'node:string_decoder';
import iconv from 'iconv-lite';
import type { FormatReader, ReadItem, ReadOptions } from '../types.js';
import { DocumentError, issue } from '../../model/issues.js';
import { peek, stripBom } from '../stream.js';
import { mapHeader } from './columns.js';
import { CsvParcelParser, MAX_RECORD_CHARS, mayHoldUnfoldedSpace } from './parser.js';
import { splitRecord, sniffDelimiter } from './split.js';

const MIN_MAPPED_COLUMNS = 3;
/** Records per batch handed on (see read). */
const BATCH = 64;

function isUtf8(head: Buffer): boolean {
  // A multi-byte sequence cut at the end of the head is not an encoding error.
  const sample = head.length < 4096 ? head : head.subarray(0, head.length - 4);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
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
    let carryBytes: Buffer | null = null;
    const tooLong = () =>
      new DocumentError(
        issue('PARSE_ERROR', n + 1, `line ${n + 1} is longer than ${MAX_RECORD_CHARS} characters`),
      );
    // Records go out in small batches, not one per chunk: a batch stays alive until its consumer
    // has validated and screened it, and a smaller live set means less for the garbage collector
    // to copy and promote while screening allocates.
    let out: ReadItem[] = [];
    /** Feeds every complete line of `text` to the parser, yielding full batches; returns the unfinished rest. */
    function* feed(text: string): Generator<ReadItem[], string> {
      // One quote search per chunk, not one per line: most chunks hold no quote at all, and
      // their lines skip the quote-aware split. Likewise for white space that validation would
      // fold. Lines are cut by indexOf (see splitPlain).
      const mayQuote = text.includes('"');
      const mayUnfold = mayHoldUnfoldedSpace(text, parser.delimiter);
      let from = 0;
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', from)) {
        const end = at > from && text.charCodeAt(at - 1) === 13 ? at - 1 : at;
        n += 1;
        parser.line(text.slice(from, end), n, out, mayQuote, mayUnfold);
        from = at + 1;
        if (out.length >= BATCH) {
          yield out;
          out = [];
        }
      }
      return text.slice(from);
    }
    for await (const chunk of stream) {
      if (utf8) {
        let from = 0;
        if (carryBytes) {
          // Only the unfinished line is joined to the new chunk's first line (not the whole chunk).
          const nl = chunk.indexOf(10);
          if (nl < 0) {
            carryBytes = Buffer.concat([carryBytes, chunk]);
            if (carryBytes.length > MAX_RECORD_CHARS) throw tooLong();
            continue;
          }
          yield* feed(decode(Buffer.concat([carryBytes, chunk.subarray(0, nl + 1)])));
          carryBytes = null;
          from = nl + 1;
        }
        const last = chunk.lastIndexOf(10);
        if (last >= from) yield* feed(decode(chunk.subarray(from, last + 1)));
        const rest = Math.max(from, last + 1);
        if (rest < chunk.length) {
          carryBytes = chunk.subarray(rest);
          if (carryBytes.length > MAX_RECORD_CHARS) throw tooLong();
        }
      } else {
        carry = yield* feed(carry + decoder.write(chunk));
        if (carry.length > MAX_RECORD_CHARS) throw tooLong();
      }
    }
    carry += utf8 ? (carryBytes ? lines.decode(carryBytes) : '') : decoder.end();
    if (carry.length > 0) parser.line(carry.endsWith('\r') ? carry.slice(0, -1) : carry, n + 1, out);
    parser.end(out);
    if (out.length > 0) yield out;
  },
};
