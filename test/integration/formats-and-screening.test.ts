import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { DocumentRecord } from '../../shared/store/types.js';
import { ROOT, startTestStack, type TestStack } from '../helpers/local-stack.js';

/**
 * Every format through the local pipeline (upload → notification → queue → the bundled ingest
 * function → table), and planted risks of every category flagged with evidence on the way —
 * the rule set and the sample watchlist read from the emulated S3, as in the cloud.
 */
const SAMPLES: [file: string, format: string, kinds: string[]][] = [
  ['fwb17-master.txt', 'cargo-imp', ['master']],
  ['fhl5-houses.txt', 'cargo-imp', ['house']],
  ['ffm8-flight.txt', 'cargo-imp', ['master']],
  ['xfwb-master.xml', 'cargo-xml', ['master']],
  ['xfzb-house.xml', 'cargo-xml', ['house']],
  ['one-record-waybill.json', 'one-record', ['master']],
  ['paquetes-riesgo.csv', 'parcel-csv', ['parcel']],
];

let t: TestStack;
const docs = new Map<string, DocumentRecord>();

beforeAll(async () => {
  t = await startTestStack({ name: 'formats' });
  for (const [file] of SAMPLES) {
    const up = await t.upload(join(ROOT, 'samples', file), 'FMT');
    docs.set(file, await t.waitForDocument(up.documentId));
  }
}, 300_000);

afterAll(async () => {
  await t?.stop();
});

describe('every format through the local pipeline', () => {
  it.each(SAMPLES)('%s lands as canonical %s consignments', async (file, format, kinds) => {
    const doc = docs.get(file)!;
    expect(doc).toMatchObject({ format, status: 'accepted' });
    const items = await t.consignments(doc.documentId);
    expect(items.length).toBe(doc.counts.accepted);
    expect(items.length).toBeGreaterThan(0);
    for (const c of items) {
      expect(kinds).toContain(c.kind);
      expect(c).toMatchObject({
        documentId: doc.documentId,
        carrierId: 'FMT',
        source: { line: expect.any(Number) },
      });
      expect(c.weightKg).toBeGreaterThan(0);
      expect(c.pieces).toBeGreaterThan(0);
      expect(typeof c.description).toBe('string');
    }
  });

  it('writes a JSON acknowledgement for each, and FMA/FNA text for Cargo-IMP', async () => {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const s3 = t.stack.clients.s3;
    const bucket = t.stack.intake!.rawBucket;
    for (const [file, format] of SAMPLES) {
      const doc = docs.get(file)!;
      const json = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: `ack/FMT/${doc.documentId}.json` }),
      );
      const ack = JSON.parse(await json.Body!.transformToString()) as Record<string, unknown>;
      expect(ack).toMatchObject({ documentId: doc.documentId, status: 'accepted' });
      expect(JSON.stringify(ack)).not.toMatch(/riskScore|"flags"/);
      if (format === 'cargo-imp') {
        const txt = await s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: `ack/FMT/${doc.documentId}.txt` }),
        );
        expect(await txt.Body!.transformToString()).toMatch(/^FMA/m);
      }
    }
  });

  it('flags planted risks of every category with evidence, in English and Spanish', async () => {
    const items = await t.consignments(docs.get('paquetes-riesgo.csv')!.documentId);
    const flags = items.flatMap(
      (c) =>
        (c.flags as { category: string; rule: string; evidence: { field: string; text: string } }[]) ?? [],
    );
    const categories = new Set(flags.map((f) => f.category));
    for (const category of ['firearms', 'precursors', 'narcotics', 'fuel', 'denied-party', 'misdeclaration'])
      expect(categories, category).toContain(category);
    for (const f of flags) expect(f.evidence.text.length).toBeGreaterThan(0);
    const byRef = (id: string) => items.find((c) => c.parcelId === id)!;
    const flagsOf = (id: string) => byRef(id).flags as { rule: string }[];
    expect(byRef('MX2000002').review).toBe(true); // "Cartuchos calibre 9mm (municiones)"
    expect(byRef('MX2000004').flags).toContainEqual(
      expect.objectContaining({
        category: 'denied-party',
        evidence: expect.objectContaining({ field: 'consignee.name' }),
      }),
    );
    // Written with Cyrillic "о" in place of Latin "o": flagged as the goods and the party they
    // read as, quoted as written, and as disguised text.
    expect(byRef('MX2000008')).toMatchObject({
      review: true,
      description: 'Cartuchоs calibre 22 (municiоnes)',
    });
    expect(flagsOf('MX2000008').map((f) => f.rule)).toEqual(
      expect.arrayContaining(['ammunition', 'ammunition-cartridges', 'disguised-text']),
    );
    expect(byRef('MX2000009').flags).toEqual([
      expect.objectContaining({
        rule: 'denied-party-exact',
        evidence: expect.objectContaining({
          field: 'consignee.name',
          text: expect.stringContaining(
            '"Rigоberto Quinterо Barragán" matches listed name "QUINTERO BARRAGÁN, Rigoberto"',
          ),
        }),
      }),
      expect.objectContaining({
        rule: 'disguised-text',
        evidence: expect.objectContaining({ field: 'consignee.name' }),
      }),
    ]);
    // Clean parcels stay clean.
    expect(byRef('MX2000001').flags).toEqual([]);
    expect(byRef('MX2000006').flags).toEqual([]);
  });
});
