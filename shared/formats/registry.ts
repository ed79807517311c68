import type { FormatReader, ReadOptions } from './types.js';
import { looksBinary } from './stream.js';
import { cargoImpReader } from './cargo-imp/reader.js';
import { parcelCsvReader } from './parcel-csv/reader.js';
import { cargoXmlReader } from './cargo-xml/reader.js';
import { utf16Layout } from './cargo-xml/encoding.js';
import { oneRecordReader } from './one-record/reader.js';

/**
 * The format registry: readers in the order detection tries them. Detection is by content only;
 * the most specific formats come first and the delimiter-sniffing CSV reader last.
 */
export const READERS: FormatReader[] = [cargoXmlReader, oneRecordReader, cargoImpReader, parcelCsvReader];

export function detectFormat(head: Buffer, options?: ReadOptions): FormatReader | undefined {
  if (head.length === 0) return undefined;
  if (!looksBinary(head)) return READERS.find((reader) => reader.detect(head, options));
  // UTF-16 looks binary (every other byte of ASCII is zero): a Cargo-XML document may be sent so.
  if (utf16Layout(head)) return cargoXmlReader.detect(head, options) ? cargoXmlReader : undefined;
  // Binary only for NUL bytes after a text first line: a parcel CSV may be read, as it would be
  // with them further on, past the bytes looked at here (its reader rejects each record holding
  // a NUL alone). Anything else that looks binary has no format.
  const nl = head.indexOf(10);
  if (nl < 0 || looksBinary(head.subarray(0, nl))) return undefined;
  if (looksBinary(Buffer.from(head.subarray(nl, 4096).filter((b) => b !== 0)))) return undefined;
  return parcelCsvReader.detect(head, options) ? parcelCsvReader : undefined;
}

export function readerById(id: string): FormatReader | undefined {
  return READERS.find((r) => r.id === id);
}
