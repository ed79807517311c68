import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../shared/formats/registry.js';
import { bufferChunks, processAll } from '../../shared/intake/process.js';
import { loadScreener } from '../../shared/screening/load.js';
import { MAX_RECORD_TEXT } from '../../shared/validation/validate.js';
import { lineOf } from '../helpers/text.js';
import { PARTIES as SHIPPER_CONSIGNEE } from '../fixtures/cargo-xml/parties.js';

/**
 * Defects found by an audit of the Cargo-XML reader: text screening must read (a summary hiding
 * item descriptions, a long description cut at 64 KiB, the 201st item dropped, text beside child
 * elements), numbers that are not decimals (0x5, 1e2), and encodings (UTF-16, a BOM or declaration
 * that contradicts the bytes, the line of a bad byte and the consignments before it).
 */

const run = (xml: string | Buffer, chunkSize = 64 * 1024) =>
  processAll(bufferChunks(xml, chunkSize), { fileName: 'audit.xml' });

/** A valid AWB: the serial's last digit is its first seven digits mod 7. */
function awbOf(i: number): string {
  const seven = 1_000_000 + i;
  return `057-${seven}${seven % 7}`;
}

const PARTIES = `${SHIPPER_CONSIGNEE}
    <ram:OriginLocation><ram:ID>CDG</ram:ID></ram:OriginLocation>
    <ram:FinalDestinationLocation><ram:ID>JFK</ram:ID></ram:FinalDestinationLocation>`;

function item(description: string, hs = '851712', extra = ''): string {
  return `      <ram:IncludedMasterConsignmentItem>
        <ram:TypeCode>${hs}</ram:TypeCode>${extra}
        <ram:NatureIdentificationTransportCargo><ram:Identification>${description}</ram:Identification></ram:NatureIdentificationTransportCargo>
      </ram:IncludedMasterConsignmentItem>`;
}

/** An XFWB with the given consignment-level lines (numbers, summary) and items. */
function xfwb(opts: { head?: string; items?: string[]; encoding?: string } = {}): string {
  const head =
    opts.head ??
    `    <ram:IncludedTareGrossWeightMeasure unitCode="KGM">250.5</ram:IncludedTareGrossWeightMeasure>
    <ram:TotalPieceQuantity>5</ram:TotalPieceQuantity>`;
  return `<?xml version="1.0" encoding="${opts.encoding ?? 'UTF-8'}"?>
<rsm:Waybill xmlns:rsm="iata:waybill:1" xmlns:ram="iata:datamodel:3">
  <rsm:MessageHeaderDocument><ram:TypeCode>740</ram:TypeCode></rsm:MessageHeaderDocument>
  <rsm:BusinessHeaderDocument><ram:ID>020-12345675</ram:ID></rsm:BusinessHeaderDocument>
  <rsm:MasterConsignment>
${head}
${PARTIES}
    <ram:ApplicableRating>
${(opts.items ?? [item('BOOKS')]).join('\n')}
    </ram:ApplicableRating>
  </rsm:MasterConsignment>
</rsm:Waybill>
`;
}

/** An XFFM with `n` consignments; `description(i)` gives each one's summary. */
function xffm(n: number, description: (i: number) => string = (i) => `BOOKS ${i}`): string {
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>
<ns0:FlightManifest xmlns:ns0="iata:flightmanifest:1" xmlns:ram="iata:datamodel:3">
  <ns0:MessageHeaderDocument><ram:TypeCode>785</ram:TypeCode></ns0:MessageHeaderDocument>
  <ns0:LogisticsTransportMovement><ram:ID>AF077</ram:ID></ns0:LogisticsTransportMovement>
  <ns0:ArrivalEvent>
    <ram:OccurrenceArrivalLocation><ram:ID>JFK</ram:ID></ram:OccurrenceArrivalLocation>
    <ram:AssociatedTransportCargo>
      <ram:TypeCode>BLK</ram:TypeCode>`,
  ];
  for (let i = 0; i < n; i++)
    parts.push(`      <ram:IncludedMasterConsignment>
        <ram:GrossWeightMeasure unitCode="KGM">30</ram:GrossWeightMeasure>
        <ram:TotalPieceQuantity>1</ram:TotalPieceQuantity>
        <ram:SummaryDescription>${description(i)}</ram:SummaryDescription>
        <ram:TransportContractDocument><ram:ID>${awbOf(i)}</ram:ID></ram:TransportContractDocument>
        <ram:OriginLocation><ram:ID>CDG</ram:ID></ram:OriginLocation>
        <ram:FinalDestinationLocation><ram:ID>JFK</ram:ID></ram:FinalDestinationLocation>
      </ram:IncludedMasterConsignment>`);
  parts.push(`    </ram:AssociatedTransportCargo>
  </ns0:ArrivalEvent>
</ns0:FlightManifest>
`);
  return parts.join('\n');
}

async function categories(xml: string): Promise<string[]> {
  const { consignments } = await run(xml);
  const screener = await loadScreener();
  return consignments.flatMap((c) => screener.screen(c).flags.map((f) => f.category));
}

describe('Cargo-XML: every description and HS code reaches screening', () => {
  it('keeps item descriptions beside the summary, in document order, identical texts once', async () => {
    const xml = xfwb({
      head: `    <ram:IncludedTareGrossWeightMeasure unitCode="KGM">250.5</ram:IncludedTareGrossWeightMeasure>
    <ram:TotalPieceQuantity>5</ram:TotalPieceQuantity>
    <ram:SummaryDescription>MOBILE PHONES</ram:SummaryDescription>`,
      items: [
        item('GLOCK SWITCH AUTO SEAR', '851712'),
        item('MOBILE  PHONES', '8517.12'),
        item('LITHIUM ION BATTERIES', '850760'),
      ],
    });
    const { consignments, summary } = await run(xml);
    expect(summary.status).toBe('accepted');
    expect(consignments[0]!.description).toBe('MOBILE PHONES; GLOCK SWITCH AUTO SEAR; LITHIUM ION BATTERIES');
    expect(consignments[0]!.hsCodes).toEqual(['851712', '850760']);
    expect(await categories(xml)).toContain('firearms');
  });

  it('keeps every SummaryDescription, not only the last', async () => {
    const xml = xfwb({
      head: `    <ram:IncludedTareGrossWeightMeasure unitCode="KGM">10</ram:IncludedTareGrossWeightMeasure>
    <ram:TotalPieceQuantity>1</ram:TotalPieceQuantity>
    <ram:SummaryDescription>AUTO SEAR</ram:SummaryDescription>
    <ram:SummaryDescription>STEEL PARTS</ram:SummaryDescription>`,
      items: [],
    });
    const { consignments } = await run(xml);
    expect(consignments[0]!.description).toBe('AUTO SEAR; STEEL PARTS');
  });

  it('keeps the description and HS code of the 250th item (the lists were cut at 200)', async () => {
    const items = Array.from({ length: 249 }, () => item('BOOKS', '490199'));
    items.push(item('SOLVENT TRAP KIT', '930590'));
    const xml = xfwb({ items });
    const { consignments, summary } = await run(xml);
    expect(summary.status).toBe('accepted');
    expect(consignments[0]!.description).toBe('BOOKS; SOLVENT TRAP KIT');
    expect(consignments[0]!.hsCodes).toEqual(['490199', '930590']);
  });

  it('rejects text beside child elements (mixed content) at its line instead of losing it', async () => {
    const xml = xfwb({
      items: [
        item('BOOKS'),
        item('GLOCK SWITCH<ram:Note>x</ram:Note>').replace('<ram:TypeCode>851712', '<ram:TypeCode>930590'),
      ],
    });
    const { summary } = await run(xml);
    expect(summary.counts).toEqual({ received: 1, accepted: 0, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'PARSE_ERROR', line: lineOf(xml, 'GLOCK SWITCH') }),
    ]);
    expect(summary.errors[0]!.message).toContain('GLOCK SWITCH');
  });
});

describe('Cargo-XML: long text is never cut', () => {
  it('reads an Identification of over 64 KiB whole, so screening sees its end', async () => {
    const hide = `MOBILE PHONES${' SPARE'.repeat(11_000)} GLOCK SWITCH`;
    const xml = xfwb({ items: [item(hide)] });
    for (const size of [64 * 1024, 4099]) {
      const { consignments, summary } = await run(xml, size);
      expect(summary.status).toBe('accepted');
      expect(consignments[0]!.description).toBe(hide);
    }
    expect(await categories(xml)).toContain('firearms');
  });

  it('rejects a consignment whose text passes the record bound with RECORD_TOO_LARGE at its line, alone', async () => {
    const big = `MOBILE PHONES${' SPARE'.repeat(MAX_RECORD_TEXT / 6)} GLOCK SWITCH`;
    const xml = xffm(3, (i) => (i === 1 ? big : `BOOKS ${i}`));
    const recordLine = lineOf(xml, '<ram:IncludedMasterConsignment>', xml.indexOf('BOOKS 0'));
    for (const size of [64 * 1024, 1000]) {
      const { consignments, summary } = await run(xml, size);
      expect(consignments.map((c) => c.description)).toEqual(['BOOKS 0', 'BOOKS 2']);
      expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 1, duplicate: 0 });
      expect(summary.errors).toEqual([
        expect.objectContaining({ code: 'RECORD_TOO_LARGE', line: recordLine }),
      ]);
      expect(summary.errors[0]!.message).toContain(`line ${lineOf(xml, big.slice(0, 20))}`);
    }
  });

  it('counts the text of every item against the bound (many small items)', async () => {
    const items = Array.from({ length: 2_000 }, (_, i) => item(`PART NUMBER ${String(i).padStart(40, '0')}`));
    const { summary } = await run(xfwb({ items }));
    expect(summary.counts).toEqual({ received: 1, accepted: 0, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'RECORD_TOO_LARGE', line: 5 })]);
  });
});

describe('Cargo-XML: numbers are plain decimals', () => {
  it('rejects hexadecimal pieces and value and an exponent weight, each on its line', async () => {
    const xml = xfwb({
      head: `    <ram:DeclaredValueForCustomsAmount currencyID="USD">0x10</ram:DeclaredValueForCustomsAmount>
    <ram:IncludedTareGrossWeightMeasure unitCode="KGM">1e2</ram:IncludedTareGrossWeightMeasure>
    <ram:TotalPieceQuantity>0x5</ram:TotalPieceQuantity>`,
      items: [item('BOOKS', '490199', '\n        <ram:PieceQuantity>5</ram:PieceQuantity>')],
    });
    const { summary } = await run(xml);
    expect(summary.counts).toEqual({ received: 1, accepted: 0, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'INVALID_PIECES', line: lineOf(xml, '0x5') }),
        expect.objectContaining({ code: 'INVALID_VALUE', line: lineOf(xml, '0x10') }),
        expect.objectContaining({ code: 'INVALID_WEIGHT', line: lineOf(xml, '1e2') }),
      ]),
    );
    expect(summary.errors).toHaveLength(3);
  });

  it('rejects non-decimal item pieces and weights when they are summed, and grams in hexadecimal', async () => {
    const items = [
      item(
        'BOOKS',
        '490199',
        '\n        <ram:GrossWeightMeasure unitCode="KGM">0x20</ram:GrossWeightMeasure><ram:PieceQuantity>2</ram:PieceQuantity>',
      ),
      item(
        'PENS',
        '960810',
        '\n        <ram:GrossWeightMeasure unitCode="KGM">5</ram:GrossWeightMeasure><ram:PieceQuantity>1e1</ram:PieceQuantity>',
      ),
    ];
    const xml = xfwb({ head: '', items });
    const { summary } = await run(xml);
    expect(summary.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'INVALID_WEIGHT', line: lineOf(xml, '0x20') }),
        expect.objectContaining({ code: 'INVALID_PIECES', line: lineOf(xml, '1e1') }),
      ]),
    );
    const grams = xfwb({
      head: `    <ram:IncludedTareGrossWeightMeasure unitCode="GRM">0x3E8</ram:IncludedTareGrossWeightMeasure>
    <ram:TotalPieceQuantity>1</ram:TotalPieceQuantity>`,
    });
    expect((await run(grams)).summary.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_WEIGHT', line: lineOf(grams, '0x3E8') }),
    ]);
  });

  it('still reads plain decimals, signs and surrounding white space', async () => {
    const xml = xfwb({
      head: `    <ram:DeclaredValueForCustomsAmount currencyID="USD"> 1500.50 </ram:DeclaredValueForCustomsAmount>
    <ram:IncludedTareGrossWeightMeasure unitCode="KGM">
      .5
    </ram:IncludedTareGrossWeightMeasure>
    <ram:GrossVolumeMeasure unitCode="MTQ">1.</ram:GrossVolumeMeasure>
    <ram:TotalPieceQuantity>+5</ram:TotalPieceQuantity>`,
    });
    const { consignments, summary } = await run(xml);
    expect(summary.status).toBe('accepted');
    expect(consignments[0]).toMatchObject({
      pieces: 5,
      weightKg: 0.5,
      volumeM3: 1,
      declaredValue: { amount: 1500.5, currency: 'USD' },
    });
  });
});

describe('Cargo-XML: encodings', () => {
  const utf8 = xfwb({ items: [item('CAFÉ GARÇON 𝄞 BOOKS')] });

  function utf16(text: string, order: 'le' | 'be', bom = true): Buffer {
    const le = Buffer.from(text, 'utf16le');
    const bytes = order === 'le' ? le : Buffer.from(le).swap16();
    const mark = order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff];
    return bom ? Buffer.concat([Buffer.from(mark), bytes]) : bytes;
  }

  it('reads UTF-16 with a byte order mark (LE and BE), like its UTF-8 twin, in any chunking', async () => {
    const expected = (await run(utf8)).consignments;
    expect(expected[0]!.description).toBe('CAFÉ GARÇON 𝄞 BOOKS');
    for (const order of ['le', 'be'] as const) {
      const doc = utf16(utf8.replace('encoding="UTF-8"', 'encoding="UTF-16"'), order);
      expect(detectFormat(doc.subarray(0, 64 * 1024))?.id).toBe('cargo-xml');
      for (const size of [64 * 1024, 513, 3, 1]) {
        const { consignments, summary } = await run(doc, size);
        expect(summary.status, `${order} ${size}`).toBe('accepted');
        expect(consignments).toEqual(expected);
      }
    }
  });

  it('reads UTF-16 with a BOM and no declaration', async () => {
    const doc = utf16(utf8.slice(utf8.indexOf('\n') + 1), 'le');
    expect((await run(doc)).summary.status).toBe('accepted');
  });

  it('refuses UTF-16 without a byte order mark with ENCODING, not UNKNOWN_FORMAT', async () => {
    const { summary } = await run(utf16(utf8.replace('UTF-8', 'UTF-16'), 'le', false));
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'ENCODING', line: 1 })]);
    expect(summary.errors[0]!.message).toContain('byte order mark');
  });

  it('refuses a BOM that contradicts the declaration with ENCODING', async () => {
    const latin1 = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(utf8.replace('UTF-8', 'ISO-8859-1'), 'latin1'),
    ]);
    const bomLatin1 = (await run(latin1)).summary;
    expect(bomLatin1.errors).toEqual([expect.objectContaining({ code: 'ENCODING', line: 1 })]);
    expect(bomLatin1.errors[0]!.message).toMatch(/UTF-8 byte order mark.*ISO-8859-1/);
    const u16 = (await run(utf16(utf8, 'be'))).summary; // declares UTF-8
    expect(u16.errors).toEqual([expect.objectContaining({ code: 'ENCODING', line: 1 })]);
    expect(u16.errors[0]!.message).toMatch(/UTF-16BE byte order mark.*UTF-8/);
  });

  it('refuses a single-byte document that declares UTF-16, UTF-32 or an encoding that cannot write its declaration', async () => {
    for (const name of ['UTF-16', 'UTF-32', 'base64', 'UTF-7']) {
      const { summary } = await run(utf8.replace('UTF-8', name));
      expect(summary.errors, name).toEqual([expect.objectContaining({ code: 'ENCODING', line: 1 })]);
      expect(summary.errors[0]!.message).toContain(name);
    }
  });

  it('names the line of a bad byte exactly and keeps every consignment completed before it, in any chunking', async () => {
    const text = xffm(1000);
    const at = text.indexOf('BOOKS 600<') + 'BOOKS 600'.length;
    const doc = Buffer.concat([
      Buffer.from(text.slice(0, at), 'utf8'),
      Buffer.from([0xe9]),
      Buffer.from(text.slice(at), 'utf8'),
    ]);
    const badLine = lineOf(text, 'BOOKS 600<');
    for (const size of [64 * 1024, 65_537, 4096, 7]) {
      const { consignments, summary } = await run(doc, size);
      expect(summary.counts, `chunk ${size}`).toEqual({
        received: 600,
        accepted: 600,
        rejected: 0,
        duplicate: 0,
      });
      expect(consignments.at(-1)!.description).toBe('BOOKS 599');
      expect(summary.errors).toEqual([expect.objectContaining({ code: 'ENCODING', line: badLine })]);
      expect(summary.errors[0]!.message).toContain('0xE9');
    }
  });

  it('reports a bad UTF-8 sequence split across chunks, and one cut off at the end, at their lines', async () => {
    const text = xffm(3);
    const at = text.indexOf('BOOKS 1<') + 'BOOKS 1'.length;
    // E2 82 is the start of a three-byte character, followed by "<" instead of its last byte.
    const doc = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0xe2, 0x82]),
      Buffer.from(text.slice(at)),
    ]);
    for (const size of [at + 1, at + 2, 64 * 1024]) {
      const { summary } = await run(doc, size);
      expect(summary.counts.received, `chunk ${size}`).toBe(1);
      expect(summary.errors).toEqual([
        expect.objectContaining({ code: 'ENCODING', line: lineOf(text, 'BOOKS 1<') }),
      ]);
    }
    const cut = Buffer.concat([Buffer.from(text), Buffer.from([0xf0, 0x9f])]);
    const { summary } = await run(cut);
    expect(summary.counts.received).toBe(3);
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'ENCODING', line: text.split('\n').length }),
    ]);
  });

  it('reports an unpaired surrogate in UTF-16 at its line', async () => {
    const text = xffm(3).replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const at = text.indexOf('BOOKS 2<') + 'BOOKS 2'.length;
    const doc = Buffer.concat([
      utf16(text.slice(0, at), 'le'),
      Buffer.from([0x00, 0xd8]), // U+D800 alone
      utf16(text.slice(at), 'le', false),
    ]);
    const { summary } = await run(doc, 1001);
    expect(summary.counts.received).toBe(2);
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'ENCODING', line: lineOf(text, 'BOOKS 2<') }),
    ]);
  });
});
