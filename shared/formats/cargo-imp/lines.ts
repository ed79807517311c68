import { decodeUtf8OrWindows1252 } from '../stream.js';

/**
 * The lines of a Cargo-IMP document, CRLF or LF, with or without a final newline, decoded one by
 * one: UTF-8 when the line's bytes are UTF-8 (ASCII included), Windows-1252 otherwise (the
 * usual encoding of Cargo-IMP files written on Windows, as in parcel spreadsheets). A line feed
 * never sits inside a UTF-8 or Windows-1252 character, so each line decodes alone, whatever the
 * chunking.
 *
 * A line longer than `maxLineBytes` (its CR LF not counted) is not held: its first `headBytes`
 * are kept so the reader can tell what it was (an AWB line, a `/NG/` line …), the rest is
 * skipped unread up to its line feed, and it comes out with `overlong` set to its length in
 * bytes. Memory is bounded by `maxLineBytes`, whatever the input.
 */
export interface ImpLine {
  /** 1-based line number. */
  n: number;
  /** The decoded line, without its terminator; for an overlong line, only its head. */
  text: string;
  /** Set for a line over the limit: its length in bytes (read to its line feed, not kept). */
  overlong?: number;
}

const CR = 13;
const LF = 10;

export async function* impLines(
  chunks: AsyncIterable<Buffer>,
  opts: { maxLineBytes: number; headBytes?: number },
): AsyncGenerator<ImpLine> {
  const max = opts.maxLineBytes;
  const headSize = opts.headBytes ?? 256;
  /** The unfinished line, as pieces of chunks (joined once its line feed comes). */
  let pending: Buffer[] = [];
  let pendingSize = 0;
  /** Inside an overlong line: its head (a copy) and the bytes seen so far. */
  let skipHead: Buffer | null = null;
  let skipped = 0;
  /** The last byte skipped: a CR there, just before the line feed, is not part of the line. */
  let skippedLast = 0;
  let n = 0;

  const startSkipping = (pieces: Buffer[], size: number) => {
    const joined = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, size);
    skipHead = Buffer.from(joined.subarray(0, headSize));
    skipped = size;
    skippedLast = joined[size - 1] ?? 0;
  };
  const overlong = (): ImpLine => {
    const bytes = skippedLast === CR ? skipped - 1 : skipped;
    const line: ImpLine = { n, text: decodeUtf8OrWindows1252(skipHead!), overlong: bytes };
    skipHead = null;
    skipped = 0;
    return line;
  };

  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl < 0) {
        const rest = chunk.subarray(start);
        if (rest.length === 0) break;
        if (skipHead) {
          skipped += rest.length;
          skippedLast = rest[rest.length - 1]!;
        } else {
          pending.push(rest);
          pendingSize += rest.length;
          // One byte more may be the CR of a CR LF: the line is over the limit only past that.
          if (pendingSize > max + 1) {
            startSkipping(pending, pendingSize);
            pending = [];
            pendingSize = 0;
          }
        }
        break;
      }
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      n += 1;
      if (skipHead) {
        skipped += piece.length;
        if (piece.length > 0) skippedLast = piece[piece.length - 1]!;
        yield overlong();
        continue;
      }
      let bytes = piece;
      if (pending.length > 0) {
        pending.push(piece);
        bytes = Buffer.concat(pending, pendingSize + piece.length);
        pending = [];
        pendingSize = 0;
      }
      const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
      if (end > max) {
        startSkipping([bytes], bytes.length);
        yield overlong();
        continue;
      }
      yield { n, text: decodeUtf8OrWindows1252(bytes.subarray(0, end)) };
    }
  }
  if (skipHead) {
    n += 1;
    yield overlong();
  } else if (pendingSize > 0) {
    n += 1;
    const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingSize);
    const end = bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    if (end > max) {
      startSkipping([bytes], bytes.length);
      yield overlong();
    } else yield { n, text: decodeUtf8OrWindows1252(bytes.subarray(0, end)) };
  }
}
