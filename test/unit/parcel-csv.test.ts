import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { HEAD_BYTES } from '../../shared/formats/stream.js';
import { bufferChunks, processAll } from '../../shared/intake/process.js';
import { HEADER, readText, row } from './helpers.js';

describe('parcel CSV reader', () => {
  it('reads the e-commerce layout into canonical parcels', async () => {
    const { consignments, summary } = await readText(`${HEADER}\n${row()}\n`);
    expect(summary).toMatchObject({
      format: 'parcel-csv',
      status: 'accepted',
      counts: { received: 1, accepted: 1, rejected: 0, duplicate: 0 },
    });
    expect(consignments[0]).toMatchObject({
      kind: 'parcel',
      awb: '020-12345675',
      hawb: null,
      parcelId: 'P1',
      pieces: 1,
      weightKg: 1.5,
      description: 'Ceramic mugs',
      hsCodes: ['691110'],
      shipper: {
        name: 'Shenzhen Bright Trading Co',
        address: '12 Nanshan Rd',
        city: 'Shenzhen',
        postcode: '518000',
        countryCode: 'CN',
      },
      consignee: { name: 'Ana López', countryCode: 'MX' },
      declaredValue: { amount: 18, currency: 'USD' },
      source: { file: 'test-input', line: 2 },
    });
  });

  it.each([
    ['semicolon', ';'],
    ['tab', '\t'],
    ['pipe', '|'],
  ])('detects a %s delimiter', async (_name, delimiter) => {
    const text = `${HEADER}\n${row()}\n`.replaceAll(',', delimiter);
    const { consignments, summary } = await readText(text);
    expect(summary.status).toBe('accepted');
    expect(consignments[0]?.consignee?.name).toBe('Ana López');
  });

  it('reads UTF-8 with a BOM, CRLF line ends and no final newline', async () => {
    const text = `\uFEFF${HEADER}\r\n${row()}\r\n${row({ ParcelID: 'P2' })}`;
    const { consignments, summary } = await readText(text);
    expect(summary.counts.accepted).toBe(2);
    expect(consignments.map((c) => c.source.line)).toEqual([2, 3]);
    expect(consignments[1]?.description).toBe('Ceramic mugs');
  });

  it('reads Windows-1252 files with accented Spanish names', async () => {
    const bytes = iconv.encode(
      `${HEADER}\n${row({ BuyerName: 'José Núñez', BuyerCity: 'Querétaro' })}\n`,
      'win1252',
    );
    expect(bytes.includes(Buffer.from('é', 'utf8'))).toBe(false);
    const { consignments } = await readText(bytes);
    expect(consignments[0]?.consignee).toMatchObject({ name: 'José Núñez', city: 'Querétaro' });
  });

  it('reads UTF-8 as UTF-8 wherever a multi-byte character meets the end of the 64 KiB it looks at', async () => {
    // The encoding is decided on the first HEAD_BYTES; a character cut there is no encoding error.
    for (const accented of ['é', '€', '𝐀'])
      for (let shift = 0; shift < 8; shift++) {
        const last = row({ ParcelID: 'P2', GoodsDescription: `Munición ${accented}` });
        const at = HEAD_BYTES - 8 + shift; // where the accented character starts
        // Bytes before it with an empty description in the first row; the description fills the rest.
        const before = Buffer.byteLength(
          `${HEADER}\n${row({ ParcelID: 'P1', GoodsDescription: '' })}\n${last.slice(0, last.indexOf(accented))}`,
        );
        const padded = row({ ParcelID: 'P1', GoodsDescription: 'x'.repeat(at - before) });
        const text = `${HEADER}\n${padded}\n${last}\n`;
        expect(Buffer.from(text).indexOf(Buffer.from(accented), at - 4), `${accented} at ${at}`).toBe(at);
        const { consignments } = await readText(Buffer.from(text));
        expect(consignments[1]?.description, `${accented} at ${at}`).toBe(`Munición ${accented}`);
      }
  });

  it('folds tabs, runs and no-break spaces in text fields, and leaves single spaces alone', async () => {
    const text = [
      HEADER,
      row({ ParcelID: 'P1', BuyerName: 'Ana  María\tLópez', GoodsDescription: 'Ceramic\u00a0mugs ' }),
      row({ ParcelID: 'P2', BuyerName: 'Ana María López', GoodsDescription: 'Ceramic mugs' }),
    ].join('\n');
    // One chunk (messy text in it) and one line per chunk (a clean chunk for the second row).
    for (const chunk of [text.length + 1, HEADER.length + 1]) {
      const { consignments } = await processAll(bufferChunks(`${text}\n`, chunk), { fileName: 'x.csv' });
      expect(consignments.map((c) => [c.consignee?.name, c.description])).toEqual([
        ['Ana María López', 'Ceramic mugs'],
        ['Ana María López', 'Ceramic mugs'],
      ]);
    }
  });

  it('keeps quoted fields with delimiters, quotes and line breaks inside', async () => {
    const text = `${HEADER}\n${row({ GoodsDescription: '"Mugs, ceramic ""large""\nset of 4"' })}\n${row({ ParcelID: 'P2' })}\n`;
    const { consignments, summary } = await readText(text);
    expect(summary.counts.accepted).toBe(2);
    expect(consignments[0]?.description).toBe('Mugs, ceramic "large" set of 4');
    expect(consignments[1]?.source.line).toBe(4);
  });

  it('groups consecutive item rows of one parcel into one consignment', async () => {
    const text = [
      HEADER,
      row({ ParcelID: 'P1', GoodsDescription: 'Cotton T-shirts', ItemHSCode: '610910', TotalValue: '24' }),
      row({ ParcelID: 'P1', GoodsDescription: 'Canvas tote bag', ItemHSCode: '420292', TotalValue: '8.5' }),
      row({ ParcelID: 'P2' }),
    ].join('\n');
    const { consignments } = await readText(text);
    expect(consignments).toHaveLength(2);
    expect(consignments[0]).toMatchObject({
      description: 'Cotton T-shirts; Canvas tote bag',
      hsCodes: ['610910', '420292'],
      declaredValue: { amount: 32.5, currency: 'USD' },
      extra: { items: 2 },
    });
  });

  it('names each item description of a parcel once, in order', async () => {
    const items = ['Mugs', 'Plates', 'Mugs', 'Cups', 'Plates', 'Bowls', 'Cups'];
    const text = [HEADER, ...items.map((d) => row({ ParcelID: 'P1', GoodsDescription: `"${d}"` }))].join(
      '\n',
    );
    const { consignments } = await readText(text);
    expect(consignments.map((c) => c.description)).toEqual(['Mugs; Plates; Cups; Bowls']);
    expect(consignments[0]!.extra).toMatchObject({ items: 7 });
  });

  it('keeps the extra columns a file has (box, order reference, invoice, origin) with the parcel', async () => {
    const text = [
      `BoxID,${HEADER},Invoice,MadeIn`,
      `B7,${row({ ParcelID: 'P1' })},INV-1,CN`,
      `,${row({ ParcelID: 'P2' })},,`,
    ].join('\n');
    const { consignments } = await readText(text);
    expect(consignments.map((c) => c.extra)).toEqual([
      { items: 1, boxId: 'B7', invoiceNumber: 'INV-1', countryOfOrigin: 'CN' },
      { items: 1 },
    ]);
  });

  it('counts a parcel that reappears later as a duplicate', async () => {
    const text = [HEADER, row({ ParcelID: 'P1' }), row({ ParcelID: 'P2' }), row({ ParcelID: 'P1' })].join(
      '\n',
    );
    const { summary } = await readText(text);
    expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 0, duplicate: 1 });
    expect(summary.warnings).toContainEqual(expect.objectContaining({ code: 'DUPLICATE_RECORD', line: 4 }));
  });

  it('maps header synonyms (receiver, consignee, tracking number)', async () => {
    const text = [
      'Tracking Number;Sender;Sender Address;Sender Country;Receiver;Receiver Address;Receiver Country;Weight;Contents;Pieces',
      'TN1;ACME Ltd;1 Main St;GB;Luis Torres;Calle 1;MX;2,5;Books;1',
    ].join('\n');
    const { consignments, summary } = await readText(text);
    expect(summary.status).toBe('accepted');
    expect(consignments[0]).toMatchObject({
      parcelId: 'TN1',
      weightKg: 2.5,
      consignee: { name: 'Luis Torres', countryCode: 'MX' },
    });
  });

  it('warns about unmapped columns without failing', async () => {
    const text = `${HEADER},Colour\n${row()},red\n`;
    const { summary } = await readText(text);
    expect(summary.status).toBe('accepted');
    expect(summary.warnings).toContainEqual(
      expect.objectContaining({ code: 'UNKNOWN_SEGMENT', line: 1, field: 'Colour' }),
    );
  });

  it('rejects a bad row alone, with its line, and keeps the good ones', async () => {
    const text = [
      HEADER,
      row({ ParcelID: 'P1' }),
      row({ ParcelID: 'P2', BuyerName: '' }),
      row({ ParcelID: 'P3', TotalWeight: '-2' }),
      row({ ParcelID: 'P4' }),
    ].join('\n');
    const { consignments, summary } = await readText(text);
    expect(summary.status).toBe('partial');
    expect(summary.counts).toEqual({ received: 4, accepted: 2, rejected: 2, duplicate: 0 });
    expect(consignments.map((c) => c.parcelId)).toEqual(['P1', 'P4']);
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'MISSING_FIELD', line: 3, field: 'consignee.name' }),
      expect.objectContaining({ code: 'INVALID_WEIGHT', line: 4 }),
    ]);
  });

  it('reports a quoted field that never closes', async () => {
    const text = `${HEADER}\n${row()}\n${row({ ParcelID: 'P2', GoodsDescription: '"never closed' })}\n`;
    const { summary } = await readText(text);
    expect(summary.counts.accepted).toBe(1);
    expect(summary.errors).toContainEqual(expect.objectContaining({ code: 'PARSE_ERROR', line: 3 }));
  });

  it('reads a quoted field of 40,000 line breaks once, not once a line', async () => {
    // Joining the lines and splitting again at each one made this quadratic: minutes.
    const body = '\nx'.repeat(40_000) + '\n';
    const text = `${HEADER}\n${row({ GoodsDescription: `"Mugs${body}end"` })}\n${row({ ParcelID: 'P2' })}\n`;
    const { summary, consignments } = await readText(text);
    expect(summary.counts).toEqual({ received: 2, accepted: 2, rejected: 0, duplicate: 0 });
    expect(consignments[0]!.description).toMatch(/^Mugs x x .* x end$/);
    expect(consignments[1]).toMatchObject({ parcelId: 'P2', source: { line: 40_004 } });
  });

  it('rejects a record with more text than a consignment may store, alone, with RECORD_TOO_LARGE', async () => {
    // A stored consignment is one DynamoDB item (400 KB): one too large would fail its whole batch.
    const text = [
      HEADER,
      row({ ParcelID: 'P1', GoodsDescription: 'Mugs '.repeat(25_000) }),
      row({ ParcelID: 'P2', BuyerName: 'Ana '.repeat(30_000) }),
      row({ ParcelID: 'P3' }),
    ].join('\n');
    const { summary, consignments } = await readText(text);
    expect(summary.counts).toEqual({ received: 3, accepted: 1, rejected: 2, duplicate: 0 });
    expect(consignments.map((c) => c.parcelId)).toEqual(['P3']);
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'RECORD_TOO_LARGE', line: 2 }),
      expect.objectContaining({ code: 'RECORD_TOO_LARGE', line: 3 }),
    ]);
  });

  it('gives up on a quoted field past a megabyte at its line, and reads on after it', async () => {
    const swallowed = Array.from({ length: 20_000 }, (_, i) => row({ ParcelID: `S${i}` }));
    const after = Array.from({ length: 50 }, (_, i) => row({ ParcelID: `A${i}` }));
    const text = [
      HEADER,
      row({ ParcelID: 'P1', GoodsDescription: '"never closed' }),
      ...swallowed,
      ...after,
    ].join('\n');
    expect(swallowed.join('\n').length).toBeGreaterThan(1024 * 1024);
    const { summary, consignments } = await readText(text);
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'PARSE_ERROR',
        line: 2,
        message: expect.stringMatching(/closing quote/),
      }),
    ]);
    const ids = consignments.map((c) => c.parcelId);
    expect(ids.slice(-50)).toEqual(after.map((_, i) => `A${i}`));
    expect(ids).not.toContain('P1');
    // P1, the record given up on, is counted: received and rejected.
    expect(summary.counts.rejected).toBe(1);
    expect(summary.counts.received).toBe(summary.counts.accepted + 1);
  });

  it('keeps every distinct item of a parcel of thousands of rows, and refuses one past 10,000', async () => {
    const items = (n: number, id: string) =>
      Array.from({ length: n }, (_, i) =>
        row({ ParcelID: id, GoodsDescription: `Item ${i % 3000}`, ItemHSCode: String(420200 + (i % 97)) }),
      );
    const big = await readText([HEADER, ...items(6000, 'P1'), row({ ParcelID: 'P2' })].join('\n'));
    expect(big.summary.counts).toEqual({ received: 2, accepted: 2, rejected: 0, duplicate: 0 });
    const [p1] = big.consignments;
    expect(p1!.description.split('; ')).toEqual(Array.from({ length: 3000 }, (_, i) => `Item ${i}`));
    expect(p1!.hsCodes).toHaveLength(97);
    expect(p1!.extra).toMatchObject({ items: 6000 });

    const huge = await readText([HEADER, ...items(10_001, 'P1'), row({ ParcelID: 'P2' })].join('\n'));
    expect(huge.summary.counts).toEqual({ received: 2, accepted: 1, rejected: 1, duplicate: 0 });
    expect(huge.summary.errors).toEqual([
      expect.objectContaining({
        code: 'PARSE_ERROR',
        line: 2,
        field: 'parcelId',
        message: expect.stringMatching(/10,001 item rows/),
      }),
    ]);
    expect(huge.consignments.map((c) => c.parcelId)).toEqual(['P2']);
  });

  it('uses a carrier mapping profile for headers the synonyms do not know', async () => {
    const { DocumentRun } = await import('../../shared/intake/process.js');
    const { bufferChunks } = await import('../../shared/intake/process.js');
    const text =
      'Sendungsnummer,Absender,AbsAdresse,Empfaenger,EmpfAdresse,Gewicht,Inhalt\nS1,ACME,1 Main St,Luis Torres,Calle 1,3,Books\n';
    const run = new DocumentRun(bufferChunks(text), {
      profile: {
        Sendungsnummer: 'parcelId',
        Absender: 'shipperName',
        AbsAdresse: 'shipperStreet',
        Empfaenger: 'consigneeName',
        EmpfAdresse: 'consigneeStreet',
        Gewicht: 'weight',
        Inhalt: 'description',
      },
    });
    const accepted = [];
    for await (const o of run.outcomes()) if (o.type === 'accepted') accepted.push(o.consignment);
    expect(run.summary().status).toBe('accepted');
    expect(accepted[0]).toMatchObject({ parcelId: 'S1', weightKg: 3, consignee: { name: 'Luis Torres' } });
  });
});
