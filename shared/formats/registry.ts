import type { FormatReader } from './types.js';
import { looksBinary } from './stream.js';
import { parcelCsvReader } from './parcel-csv/reader.js';

/**
 * The format registry: readers in the order detection tries them. Detection is by content only;
 * the most specific formats come first and the delimiter-sniffing CSV reader last.
 */
export const READERS: FormatReader[] = [parcelCsvReader];

export function detectFormat(head: Buffer): FormatReader | undefined {
  if (head.length === 0 || looksBinary(head)) return undefined;
  return READERS.find((reader) => reader.detect(head));
}

export function readerById(id: string): FormatReader | undefined {
  return READERS.find((r) => r.id === id);
}
