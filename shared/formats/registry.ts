import type { FormatReader, ReadOptions } from './types.js';
import { looksBinary } from './stream.js';
import { cargoImpReader } from './cargo-imp/reader.js';
import { parcelCsvReader } from './parcel-csv/reader.js';
import { cargoXmlReader } from './cargo-xml/reader.js';
import { oneRecordReader } from './one-record/reader.js';

/**
 * The format registry: readers in the order detection tries them. Detection is by content only;
 * the most specific formats come first and the delimiter-sniffing CSV reader last.
 */
export const READERS: FormatReader[] = [cargoXmlReader, oneRecordReader, cargoImpReader, parcelCsvReader];

export function detectFormat(head: Buffer, options?: ReadOptions): FormatReader | undefined {
  if (head.length === 0 || looksBinary(head)) return undefined;
  return READERS.find((reader) => reader.detect(head, options));
}

export function readerById(id: string): FormatReader | undefined {
  return READERS.find((r) => r.id === id);
}
