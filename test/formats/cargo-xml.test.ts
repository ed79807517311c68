import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cargoXmlReader, MAX_XML_DEPTH, MAX_XML_TEXT } from '../../shared/formats/cargo-xml/reader.js';
import { detectFormat } from '../../shared/formats/registry.js';
import type { DraftRecord } from '../../shared/formats/types.js';
import { bufferChunks, processAll } from '../../shared/intake/process.js';
import { DocumentError } from '../../shared/model/issues.js';
import { lineOf } from '../helpers/text.js';
import { PARTIES } from '../fixtures/cargo-xml/parties.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(resolve(here, '../fixtures/cargo-xml', name), 'utf8');

const run = (xml: string | Buffer, chunkSize = 64 * 1024) =>
  processAll(bufferChunks(xml, chunkSize), { fileName: 'test.xml' });

async function readRecords(xml: string, chunkSize = 64 * 1024): Promise<DraftRecord[]> {
  const out: DraftRecord[] = [];
  for await (const item of cargoXmlReader.read(bufferChunks(xml, chunkSize), {}))
    for (const i of Array.isArray(item) ? item : [item]) if (i.type === 'record') out.push(i.record);
  return out;
}

async function documentError(xml: string) {
  try {
    await readRecords(xml);
  } catch (error) {
    if (error instanceof DocumentError) return error.issue;
    throw error;
  }
  throw new Error('expected a DocumentError');
}

/** A minimal valid XFWB around a consignment body, for rule-by-rule tests. */
function xfwb(body: string, awb = '020-12345675'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rsm:Waybill xmlns:rsm="iata:waybill:1" xmlns:ram="iata:datamodel:3">
  <rsm:MessageHeaderDocument><ram:TypeCode>741</ram:TypeCode></rsm:MessageHeaderDocument>
  <rsm:BusinessHeaderDocument><ram:ID>${awb}</ram:ID></rsm:BusinessHeaderDocument>
  <rsm:MasterConsignment>
${body}
  </rsm:MasterConsignment>
</rsm:Waybill>
`;
}

const BASIC = `    <ram:IncludedTareGrossWeightMeasure unitCode="KGM">100</ram:IncludedTareGrossWeightMeasure>
    <ram:TotalPieceQuantity>3</ram:TotalPieceQuantity>
${PARTIES}
    <ram:OriginLocation><ram:ID>CDG</ram:ID></ram:OriginLocation>
    <ram:FinalDestinationLocation><ram:ID>JFK</ram:ID></ram:FinalDestinationLocation>
    <ram:ApplicableRating><ram:IncludedMasterConsignmentItem>
      <ram:NatureIdentificationTransportCargo><ram:Identification>WINE</ram:Identification></ram:NatureIdentificationTransportCargo>
    </ram:IncludedMasterConsignmentItem></ram:ApplicableRating>`;

describe('Cargo-XML detection', () => {
  it('recognises the waybill, house waybill and flight manifest roots whatever the prefix', () => {
    for (const name of ['xfwb-740-direct.xml', 'xfwb-741-master.xml', 'xfzb-house.xml', 'xffm-flight.xml'])
      expect(detectFormat(Buffer.from(fixture(name)))?.id, name).toBe('cargo-xml');
    expect(
      cargoXmlReader.detect(
        Buffer.from('\uFEFF  <!-- c --><x:HouseManifest xmlns:x="iata:housemanifest:1"/>'),
      ),
    ).toBe(true);
  });

  it('routes a DOCTYPE-carrying waybill here (to be rejected) but not other XML or JSON', () => {
    expect(
      cargoXmlReader.detect(
        Buffer.from('<?xml version="1.0"?><!DOCTYPE Waybill [<!ENTITY a "b">]><Waybill/>'),
      ),
    ).toBe(true);
    expect(cargoXmlReader.detect(Buffer.from('<?xml version="1.0"?><html><body/></html>'))).toBe(false);
    expect(cargoXmlReader.detect(Buffer.from('{"@context": {}}'))).toBe(false);
    expect(cargoXmlReader.detect(Buffer.from('FWB/16\n020-12345675FRAJFK/T1K10'))).toBe(false);
  });
});

describe('XFWB 3.00', () => {
  it('reads a 740 direct waybill into a canonical master consignment, field by field', async () => {
    const xml = fixture('xfwb-740-direct.xml');
    const { consignments, summary } = await run(xml);
    expect(summary).toMatchObject({
      format: 'cargo-xml',
      status: 'accepted',
      counts: { received: 1, accepted: 1 },
    });
    expect(consignments).toHaveLength(1);
    const c = consignments[0]!;
    expect(c).toMatchObject({
      kind: 'master',
      awb: '176-98765435',
      hawb: null,
      parcelId: null,
      origin: 'HKG',
      destination: 'ORD',
      pieces: 5,
      weightKg: 250.5,
      volumeM3: 1.2,
      description: 'MOBILE PHONES; LITHIUM ION BATTERIES <UN3480>',
      hsCodes: ['851712', '850760'],
      shipper: {
        name: 'ACME ELECTRONICS LTD',
        address: '88 INDUSTRIAL ROAD',
        city: 'SHENZHEN',
        postcode: '518000',
        countryCode: 'CN',
      },
      consignee: {
        name: 'WIDGET IMPORTS INC & SONS',
        address: '1 CARGO BLVD',
        city: 'CHICAGO',
        postcode: '60666',
        countryCode: 'US',
      },
      notify: {
        name: 'NOTIFY BROKERS LLC',
        address: '2 BROKER WAY',
        city: 'CHICAGO',
        postcode: null,
        countryCode: 'US',
      },
      declaredValue: { amount: 1500.5, currency: 'USD' },
      specialHandling: ['ELI', 'SPX'],
      source: { file: 'test.xml', line: lineOf(xml, '<rsm:MasterConsignment>') },
      extra: { messageType: 'XFWB', documentType: '740', flights: ['CX096'] },
    });
  });

  it('reads a 741 master (default namespace, no prefixes) with a nil customs value', async () => {
    const { consignments, summary } = await run(fixture('xfwb-741-master.xml'));
    expect(summary.status).toBe('accepted');
    expect(consignments[0]).toMatchObject({
      kind: 'master',
      awb: '020-12345675',
      origin: 'FRA',
      destination: 'JFK',
      pieces: 40,
      weightKg: 1200,
      description: 'CONSOLIDATION AS PER ATTACHED MANIFEST',
      declaredValue: null,
      hsCodes: [],
      extra: { documentType: '741' },
    });
  });

  it('gives the same consignment whatever namespace prefixes the sender chose', async () => {
    const original = fixture('xfwb-740-direct.xml');
    const variants = [
      original.replaceAll('rsm:', 'ns2:').replaceAll('ram:', ''),
      original
        .replaceAll('rsm:', 'a:')
        .replaceAll('ram:', 'b:')
        .replace('xmlns:rsm', 'xmlns:a')
        .replace('xmlns:ram', 'xmlns:b'),
      original.replaceAll('rsm:', '').replaceAll('ram:', 'iata:'),
    ];
    const base = (await run(original)).consignments[0]!;
    for (const v of variants) {
      const { consignments } = await run(v);
      expect(consignments[0]).toEqual(base);
    }
  });

  it('converts a gross weight in pounds (LBR) to kilograms', async () => {
    const { consignments } = await run(xfwb(BASIC.replace('unitCode="KGM">100<', 'unitCode="LBR">100<')));
    expect(consignments[0]!.weightKg).toBeCloseTo(45.359, 3);
  });

  it('rejects a weight without a unit or with a non-weight unit, on the weight line', async () => {
    const noUnit = xfwb(BASIC.replace(' unitCode="KGM"', ''));
    const r1 = await run(noUnit);
    expect(r1.summary.status).toBe('rejected');
    expect(r1.summary.errors).toContainEqual(
      expect.objectContaining({
        code: 'INVALID_WEIGHT',
        line: lineOf(noUnit, 'IncludedTareGrossWeightMeasure'),
        field: 'weightKg',
      }),
    );
    const litres = xfwb(BASIC.replace('unitCode="KGM"', 'unitCode="LTR"'));
    const r2 = await run(litres);
    expect(r2.summary.errors).toContainEqual(
      expect.objectContaining({ code: 'INVALID_WEIGHT', line: lineOf(litres, 'unitCode="LTR"') }),
    );
  });

  it('reports a missing consignor name as MISSING_FIELD on the consignor line', async () => {
    const xml = xfwb(BASIC.replace('<ram:Name>SHIPPER CO</ram:Name>', ''));
    const { summary, consignments } = await run(xml);
    expect(consignments).toHaveLength(0);
    expect(summary.status).toBe('rejected');
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'MISSING_FIELD',
        field: 'shipper.name',
        line: lineOf(xml, '<ram:ConsignorParty>'),
      }),
    ]);
  });

  it('reports a missing consignee address on its party line and a bad AWB on the header ID line', async () => {
    const xml = xfwb(BASIC.replace('<ram:StreetName>2 HIGH ST</ram:StreetName>', ''), '020-12345670');
    const { summary } = await run(xml);
    expect(summary.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'AWB_CHECK_DIGIT', field: 'awb', line: lineOf(xml, '020-12345670') }),
        expect.objectContaining({
          code: 'MISSING_FIELD',
          field: 'consignee.address',
          line: lineOf(xml, '<ram:ConsigneeParty>'),
        }),
      ]),
    );
  });

  it('points an invalid HS code at its own TypeCode line', async () => {
    const xml = xfwb(
      BASIC.replace(
        '<ram:NatureIdentificationTransportCargo>',
        '<ram:TypeCode>220421</ram:TypeCode>\n</ram:IncludedMasterConsignmentItem><ram:IncludedMasterConsignmentItem><ram:TypeCode>ABC</ram:TypeCode>\n<ram:NatureIdentificationTransportCargo>',
      ),
    );
    const { summary } = await run(xml);
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_HS_CODE', line: lineOf(xml, '<ram:TypeCode>ABC') }),
    ]);
  });

  it('decodes the five predefined entities, character references and CDATA, across any chunk size', async () => {
    const xml = xfwb(
      BASIC.replace('SHIPPER CO', 'M&#252;ller &amp; S&#xF6;hne &lt;GmbH&gt; &quot;A&apos;s&quot;').replace(
        '>WINE<',
        '><![CDATA[VINS & <SPIRITUEUX>]]> Ré<',
      ),
    );
    const outputs = [];
    for (const size of [1, 7, 100, 64 * 1024]) outputs.push((await run(xml, size)).consignments[0]);
    expect(outputs[0]!.shipper!.name).toBe('Müller & Söhne <GmbH> "A\'s"');
    expect(outputs[0]!.description).toBe('VINS & <SPIRITUEUX> Ré');
    for (const o of outputs) expect(o).toEqual(outputs[0]);
  });

  it('decodes a declared ISO-8859-1 document', async () => {
    const xml = xfwb(BASIC.replace('SHIPPER CO', 'CAFÉ GARÇON')).replace(
      'encoding="UTF-8"',
      'encoding="ISO-8859-1"',
    );
    const { consignments } = await run(Buffer.from(xml, 'latin1'));
    expect(consignments[0]!.shipper!.name).toBe('CAFÉ GARÇON');
  });

  it('rejects bytes that are not UTF-8 in a UTF-8 document with ENCODING', async () => {
    const xml = Buffer.from(xfwb(BASIC.replace('SHIPPER CO', 'CAFÉ')), 'latin1');
    const { summary } = await run(xml);
    expect(summary.errors[0]).toMatchObject({ code: 'ENCODING' });
    expect(summary.status).toBe('rejected');
  });
});

describe('XFZB and XFHL houses', () => {
  it('reads an XFZB house with its master AWB, house number and HS code', async () => {
    const xml = fixture('xfzb-house.xml');
    const { consignments, summary } = await run(xml);
    expect(summary.status).toBe('accepted');
    expect(consignments[0]).toMatchObject({
      kind: 'house',
      awb: '020-12345675',
      hawb: 'HKG-H-778899',
      origin: 'HKG',
      destination: 'LHR',
      pieces: 2,
      weightKg: 12.4,
      description: 'WOMENS COTTON T-SHIRTS',
      hsCodes: ['610910'],
      declaredValue: { amount: 320, currency: 'GBP' },
      shipper: { name: 'KOWLOON GARMENTS CO', countryCode: 'HK' },
      consignee: { name: 'HIGH STREET FASHION LTD', postcode: 'W1D 1AN', countryCode: 'GB' },
      source: { line: lineOf(xml, '<d:IncludedHouseConsignment>') },
      extra: { messageType: 'XFZB', documentType: '703' },
    });
  });

  it('reads every house of an XFHL house manifest and rejects a bad one alone', async () => {
    const house = (id: string, name: string) => `
    <IncludedHouseConsignment>
      <ID>${id}</ID>
      <IncludedTareGrossWeightMeasure unitCode="KGM">5</IncludedTareGrossWeightMeasure>
      <TotalPieceQuantity>1</TotalPieceQuantity>
      <SummaryDescription>BOOKS</SummaryDescription>
      <ConsignorParty><Name>${name}</Name><PostalStructuredAddress><StreetName>1 RUE</StreetName><CountryID>FR</CountryID></PostalStructuredAddress></ConsignorParty>
      <ConsigneeParty><Name>READER</Name><PostalStructuredAddress><StreetName>2 ST</StreetName><CountryID>US</CountryID></PostalStructuredAddress></ConsigneeParty>
    </IncludedHouseConsignment>`;
    const xml = `<?xml version="1.0"?>
<HouseManifest xmlns="iata:housemanifest:1">
  <MasterConsignment>
    <TransportContractDocument><ID>020-12345675</ID></TransportContractDocument>
    <OriginLocation><ID>CDG</ID></OriginLocation>
    <FinalDestinationLocation><ID>JFK</ID></FinalDestinationLocation>${house('H1', 'EDITIONS A')}${house('H2', '')}${house('H3', 'EDITIONS C')}
  </MasterConsignment>
</HouseManifest>`;
    const { consignments, summary } = await run(xml);
    expect(summary).toMatchObject({ status: 'partial', counts: { received: 3, accepted: 2, rejected: 1 } });
    expect(consignments.map((c) => [c.kind, c.awb, c.hawb, c.origin, c.destination])).toEqual([
      ['house', '020-12345675', 'H1', 'CDG', 'JFK'],
      ['house', '020-12345675', 'H3', 'CDG', 'JFK'],
    ]);
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'MISSING_FIELD',
        field: 'shipper.name',
        line: lineOf(xml, '<Name></Name>'),
      }),
    ]);
  });
});

describe('XFFM', () => {
  it('gives one master consignment per manifested AWB, with flight and ULD, parties not required', async () => {
    const xml = fixture('xffm-flight.xml');
    const { consignments, summary } = await run(xml);
    expect(summary).toMatchObject({ status: 'partial', counts: { received: 3, accepted: 2, rejected: 1 } });
    expect(consignments[0]).toMatchObject({
      kind: 'master',
      awb: '057-55555555',
      origin: 'CDG',
      destination: 'JFK',
      pieces: 10,
      weightKg: 300,
      description: 'AIRCRAFT SPARE PARTS',
      shipper: null,
      consignee: null,
      specialHandling: ['SPX'],
      extra: {
        messageType: 'XFFM',
        flight: 'AF077',
        flightDate: '2024-04-17T10:30:00',
        loadingPoint: 'CDG',
        unloadingPoint: 'JFK',
        uld: 'AKE12345AF',
        split: 'T',
      },
    });
    expect(consignments[0]!.totalPieces).toBeUndefined();
    // A split shipment: 2 of its 5 pieces travel on this flight.
    expect(consignments[1]).toMatchObject({
      awb: '057-12345675',
      pieces: 2,
      totalPieces: 5,
      weightKg: 150,
      destination: 'ORD',
    });
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'AWB_CHECK_DIGIT', line: lineOf(xml, '057-12345670') }),
    ]);
  });

  it('clears the ULD between transport cargo groups and converts pounds', async () => {
    const xml = fixture('xffm-flight.xml')
      .replace('057-12345670', '057-12345675')
      .replace('<ram:ID>057-12345675</ram:ID>', '<ram:ID>057-11111111</ram:ID>');
    const { consignments } = await run(xml);
    const bulk = consignments.find((c) => c.description === 'DOCUMENTS')!;
    expect(bulk.extra?.uld).toBeUndefined();
    expect(bulk.weightKg).toBeCloseTo(45.359, 3);
  });
});

describe('safe XML', () => {
  it('rejects an external entity (XXE) with UNSAFE_XML and reads nothing', async () => {
    const xxe = `<?xml version="1.0"?>
<!DOCTYPE Waybill [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<Waybill><MasterConsignment><ID>&xxe;</ID></MasterConsignment></Waybill>`;
    const { summary, consignments } = await run(xxe);
    expect(consignments).toHaveLength(0);
    expect(summary).toMatchObject({ format: 'cargo-xml', status: 'rejected' });
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'UNSAFE_XML', line: 2 })]);
  });

  it('rejects an external DTD reference', async () => {
    const { summary } = await run(
      '<?xml version="1.0"?>\n<!DOCTYPE Waybill SYSTEM "http://attacker.example/x.dtd">\n<Waybill/>',
    );
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'UNSAFE_XML' })]);
  });

  it('rejects billion laughs without expanding anything', async () => {
    const lol = `<?xml version="1.0"?>
<!DOCTYPE Waybill [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Waybill><MasterConsignment><ID>&lol9;</ID></MasterConsignment></Waybill>`;
    const issue = await documentError(lol);
    expect(issue).toMatchObject({ code: 'UNSAFE_XML', line: 2 });
  });

  it('rejects an entity reference that is not one of the five predefined ones', async () => {
    const xml = xfwb(BASIC.replace('SHIPPER CO', 'SHIPPER&nbsp;CO'));
    const issue = await documentError(xml);
    expect(issue).toMatchObject({ code: 'UNSAFE_XML', line: lineOf(xml, '&nbsp;') });
  });

  it('bounds element nesting', async () => {
    const depth = MAX_XML_DEPTH + 5;
    const xml = `<Waybill>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</Waybill>`;
    expect(await documentError(xml)).toMatchObject({ code: 'UNSAFE_XML' });
  });

  it('bounds the length of a text node', async () => {
    const xml = `<Waybill><MasterConsignment><ID>${'A'.repeat(MAX_XML_TEXT + 100_000)}</ID></MasterConsignment></Waybill>`;
    expect(await documentError(xml)).toMatchObject({ code: 'UNSAFE_XML' });
  });

  it('bounds the number of attributes on an element', async () => {
    const attrs = Array.from({ length: 300 }, (_, i) => `a${i}="x"`).join(' ');
    expect(await documentError(`<Waybill ${attrs}/>`)).toMatchObject({ code: 'UNSAFE_XML' });
  });
});

describe('malformed XML', () => {
  it('reports a mismatched tag as PARSE_ERROR with its line', async () => {
    const xml = xfwb(BASIC.replace('<ram:CityName>PARIS</ram:CityName>', '<ram:CityName>PARIS</ram:City>'));
    const { summary } = await run(xml);
    expect(summary.status).toBe('rejected');
    expect(summary.errors[0]).toMatchObject({ code: 'PARSE_ERROR', line: lineOf(xml, '</ram:City>') });
    expect(summary.errors[0]!.message).toContain(`line ${lineOf(xml, '</ram:City>')}`);
  });

  it('reports a truncated document as PARSE_ERROR and keeps the consignments completed before the break', async () => {
    const full = fixture('xffm-flight.xml');
    const cut = full.slice(0, full.indexOf('<ram:TypeCode>BLK</ram:TypeCode>'));
    const { summary, consignments } = await run(cut);
    expect(consignments.map((c) => c.awb)).toEqual(['057-55555555', '057-12345675']);
    expect(summary.status).toBe('partial');
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'PARSE_ERROR', line: cut.split('\n').length }),
    ]);
  });

  it('rejects a Cargo-XML root whose consignment element is missing as a document without records', async () => {
    const { summary } = await run('<?xml version="1.0"?><Waybill><MessageHeaderDocument/></Waybill>');
    expect(summary).toMatchObject({
      status: 'rejected',
      errors: [expect.objectContaining({ code: 'PARSE_ERROR' })],
    });
  });
});

describe('streaming', () => {
  it('yields consignments while the document is still arriving', async () => {
    const one = fixture('xffm-flight.xml');
    const start = one.indexOf('<ram:IncludedMasterConsignment>');
    const end = one.indexOf('<ram:IncludedMasterConsignment>', start + 10);
    const block = one.slice(start, end);
    const head = one.slice(0, start);
    const tail = one.slice(one.indexOf('</ram:AssociatedTransportCargo>'));
    let consumed = 0;
    const total = 2000;
    async function* chunks(): AsyncGenerator<Buffer> {
      yield Buffer.from(head);
      for (let i = 0; i < total; i++) {
        consumed += 1;
        yield Buffer.from(block);
      }
      yield Buffer.from(tail);
    }
    let firstSeenAt = -1;
    let records = 0;
    for await (const item of cargoXmlReader.read(chunks(), {}))
      for (const i of Array.isArray(item) ? item : [item])
        if (i.type === 'record') {
          records += 1;
          if (firstSeenAt < 0) firstSeenAt = consumed;
        }
    expect(records).toBe(total + 1);
    expect(firstSeenAt).toBeLessThan(5);
  });

  it('keeps record start lines and field lines exact', async () => {
    const xml = fixture('xfwb-740-direct.xml');
    const [record] = await readRecords(xml, 13);
    expect(record!.line).toBe(lineOf(xml, '<rsm:MasterConsignment>'));
    expect(record!.fieldLines).toMatchObject({
      awb: lineOf(xml, '<ram:ID>176-98765435</ram:ID>'),
      pieces: lineOf(xml, '<ram:TotalPieceQuantity>'),
      weightKg: lineOf(xml, '<ram:IncludedTareGrossWeightMeasure'),
      origin: lineOf(xml, '<ram:ID>HKG'),
      'shipper.name': lineOf(xml, 'ACME ELECTRONICS'),
      'consignee.address': lineOf(xml, '1 CARGO BLVD'),
      description: lineOf(xml, 'MOBILE PHONES'),
      declaredValue: lineOf(xml, 'DeclaredValueForCustomsAmount'),
    });
  });
});
