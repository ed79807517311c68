import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { DocumentError, issue } from '../model/issues.js';

/** Default upper bound for one uploaded document (bytes). Configurable per call. */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
export const HEAD_BYTES = 64 * 1024;

/** Reads up to `size` bytes from the front of a stream and returns them with a stream that replays them. */
export async function peek(
  chunks: AsyncIterable<Buffer>,
  size = HEAD_BYTES,
): Promise<{ head: Buffer; stream: AsyncIterable<Buffer> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    taken.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(taken, length).subarray(0, size);
  async function* replay(): AsyncGenerator<Buffer> {
    for (const chunk of taken) yield chunk;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    }
  }
  return { head, stream: replay() };
}

/** Passes chunks through and stops the document with TOO_LARGE once `maxBytes` is exceeded. */
export async function* limitBytes(chunks: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > maxBytes)
      throw new DocumentError(
        issue('TOO_LARGE', 0, `document is larger than the limit of ${maxBytes} bytes`),
      );
    yield chunk;
  }
}

/** True when the bytes start with a UTF-8 byte order mark. */
export function hasUtf8Bom(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
}

/** Strips a UTF-8 byte order mark from the start of a buffer. */
export function stripBom(head: Buffer): Buffer {
  return hasUtf8Bom(head) ? head.subarray(3) : head;
}

/** True when the bytes look binary (NUL bytes or many control characters): no text format applies. */
export function looksBinary(head: Buffer): boolean {
  const sample = head.subarray(0, 4096);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control += 1;
  }
  return sample.length > 0 && control / sample.length > 0.05;
}

/**
 * Text that is UTF-8 when its bytes are valid UTF-8 (a BOM kept), else Windows-1252, as Windows
 * programs save it. iconv-lite, not TextDecoder: without full ICU Node's 'windows-1252' decoder
 * is Latin-1, and reads 0x80–0x9F (€, Š, Ž, Œ, curly quotes, dashes) as control characters.
 */
export function decodeUtf8OrWindows1252(bytes: Uint8Array): string {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isUtf8(b) ? b.toString('utf8') : iconv.decode(b, 'win1252');
}
