import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferChunks, processAll } from '../../shared/intake/process.js';

// The public corpus lives beside the repository (../shared/corpus from the repo root).
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = resolve(repoRoot, '../shared/corpus/cargo-xml');
const present = existsSync(dir);
const files = present ? readdirSync(dir).filter((f) => f.endsWith('.xml')) : [];
const read = (name: string) =>
  processAll(bufferChunks(readFileSync(resolve(dir, name)), 4096), { fileName: name });

describe.skipIf(!present)('Cargo-XML corpus (../shared/corpus/cargo-xml)', () => {
  it.each(files)('%s is detected as Cargo-XML and read without a crash', async (name) => {
    const { summary } = await read(name);
    expect(summary.format).toBe('cargo-xml');
    expect(summary.counts.received).toBeGreaterThan(0);
    for (const e of summary.errors) expect(e.line).toBeGreaterThan(0);
  });

  it('riege-xfwb-example.xml: the 741 master, field by field', async () => {
    const { consignments, summary } = await read('riege-xfwb-example.xml');
    expect(summary.status).toBe('accepted');
    expect(consignments).toEqual([
      expect.objectContaining({
        kind: 'master',
        awb: '020-68548340',
        hawb: null,
        parcelId: null,
        origin: 'VCP',
        destination: 'CDG',
        pieces: 4,
        weightKg: 36.9,
        volumeM3: 0.199,
        description: 'CONSOLIDATED CARGO AS PER ATTACHED MANIFEST HAWB: gig-00015806 VOL.WGHT.: 33.5 KG',
        hsCodes: [],
        shipper: {
          name: 'SCHENKER DO BRASIL TRANSPORTES INTERNACIONAIS LTDA.',
          address: 'Rua da Quitanda 191',
          city: 'Rio de Janeiro',
          postcode: '20091-005',
          countryCode: 'BR',
        },
        consignee: {
          name: 'SCHENKER FRANCE SAS',
          address: 'Rue du Pied Sec Zone de Fret n2',
          city: 'Roissy CDG Cedex',
          postcode: '95703',
          countryCode: 'FR',
        },
        declaredValue: null,
        specialHandling: ['EAP', 'NSC'],
        source: { file: 'riege-xfwb-example.xml', line: 38 },
      }),
    ]);
    expect(consignments[0]!.extra).toMatchObject({
      messageType: 'XFWB',
      documentType: '741',
      flights: ['LH5050'],
    });
    // IncludedCustomsNote becomes OCI, as a Cargo-IMP FWB would carry it (here the consignee's EORI).
    expect(consignments[0]!.extra!.oci).toContainEqual({
      country: 'FR',
      info: 'CNE',
      control: 'T',
      text: 'FR26311799456',
    });
  });

  it('riege-xfzb-house.xml: the house under master 888-11111111', async () => {
    const { consignments, summary } = await read('riege-xfzb-house.xml');
    expect(summary.status).toBe('accepted');
    expect(consignments[0]).toMatchObject({
      kind: 'house',
      awb: '888-11111111',
      hawb: 'SEL22222222',
      origin: 'ICN',
      destination: 'FDH',
      pieces: 10,
      weightKg: 134,
      // The summary, then the item's own text (line 127): every description the message carries.
      description: 'SPARE PARTS F345732-D CIP TERM VOL.WGHT. 133.7 KG .088 CBM; SPARE PARTS',
      hsCodes: ['1133557799'],
      shipper: {
        name: 'SPARE PART LTD.',
        address: '42. GONGDAN SEONGSAN',
        city: 'CHANGWON-SI. KYUN',
        postcode: '12345',
        countryCode: 'KR',
      },
      consignee: {
        name: 'REPAIR DIENST GMBH',
        address: 'SPEZIAL-STR. 13',
        city: 'FRIEDRICHSHAFEN',
        postcode: '87654',
        countryCode: 'DE',
      },
      source: { line: 49 },
    });
  });

  it('the two examples with placeholder HTS codes 000111/000222 are rejected with INVALID_HS_CODE on the TypeCode line', async () => {
    const acas = await read('riege-xfwb-acas-us.xml');
    expect(acas.summary.status).toBe('rejected');
    expect(acas.summary.errors).toEqual([expect.objectContaining({ code: 'INVALID_HS_CODE', line: 279 })]);
    const multi = await read('riege-xfwb-multiple-uld-hts.xml');
    expect(multi.summary.errors.map((e) => [e.code, e.line])).toEqual([
      ['INVALID_HS_CODE', 229],
      ['INVALID_HS_CODE', 229],
    ]);
  });
});
