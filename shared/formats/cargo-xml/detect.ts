import { headText } from './encoding.js';

/**
 * Root elements of the Cargo-XML messages this reader understands, by local name (senders pick
 * their own namespace prefixes): XFWB `Waybill`, XFZB `HouseWaybill`, XFHL `HouseManifest`,
 * XFFM `FlightManifest`, plus the message-code style roots some gateways emit.
 */
export const ROOT_FAMILIES: Readonly<Record<string, 'waybill' | 'house' | 'manifest' | 'flight'>> = {
  waybill: 'waybill',
  xfwb: 'waybill',
  housewaybill: 'house',
  xfzb: 'house',
  housemanifest: 'manifest',
  xfhl: 'manifest',
  flightmanifest: 'flight',
  xffm: 'flight',
};

export function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

export function rootFamily(qname: string): 'waybill' | 'house' | 'manifest' | 'flight' | undefined {
  const key = localName(qname).toLowerCase();
  return Object.hasOwn(ROOT_FAMILIES, key) ? ROOT_FAMILIES[key] : undefined;
}

/**
 * Content detection: skips a BOM, whitespace, the XML declaration, comments and processing
 * instructions, then looks at the root element's local name. A DOCTYPE is skipped too (its name
 * counts when the root lies beyond the head) so that a hostile document is still routed here and
 * rejected with UNSAFE_XML rather than reported as an unknown format. A head in UTF-16 (with a
 * byte order mark, or `<?` in UTF-16 without one) is decoded first, so the reader reads it or
 * refuses it with ENCODING.
 */
export function detectCargoXml(head: Buffer): boolean {
  const text = headText(head);
  let i = 0;
  let doctypeName: string | undefined;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i += 1;
  };
  skipSpace();
  while (i < text.length) {
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return false;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) return false;
      i = end + 3;
    } else if (text.slice(i, i + 9).toUpperCase() === '<!DOCTYPE') {
      const name = /^<!DOCTYPE\s+([^\s[>]+)/i.exec(text.slice(i, i + 300));
      doctypeName = name?.[1];
      let inSubset = false;
      let j = i + 9;
      for (; j < text.length; j++) {
        const c = text[j];
        if (c === '[') inSubset = true;
        else if (c === ']') inSubset = false;
        else if (c === '>' && !inSubset) break;
      }
      if (j >= text.length) return doctypeName !== undefined && rootFamily(doctypeName) !== undefined;
      i = j + 1;
    } else if (text[i] === '<') {
      const name = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i, i + 200));
      return name !== null && rootFamily(name[1]!) !== undefined;
    } else {
      return false;
    }
    skipSpace();
  }
  return doctypeName !== undefined && rootFamily(doctypeName) !== undefined;
}
