import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DraftRecord } from '../../shared/formats/types.js';
import type { ConsignmentDraft } from '../../shared/model/consignment.js';
import { loadAirports } from '../../shared/reference/airports.js';
import { checkAwb, makeAwb } from '../../shared/reference/awb.js';
import { isVagueDescription } from '../../shared/reference/vague-terms.js';
import { validateRecord } from '../../shared/validation/validate.js';

const party = (name: string) => ({
  name,
  address: '1 Main St',
  city: 'Town',
  postcode: '12345',
  countryCode: 'US',
});

function draft(overrides: Partial<ConsignmentDraft> = {}): ConsignmentDraft {
  return {
    kind: 'master',
    awb: '157-68076960',
    hawb: null,
    parcelId: null,
    origin: 'BSL',
    destination: 'DOH',
    pieces: 1,
    rawWeight: '40',
    weightUnit: 'K',
    description: 'Machine bearings',
    hsCodes: ['848210'],
    shipper: party('Shipper AG'),
    consignee: party('Consignee LLC'),
    declaredValue: null,
    specialHandling: ['eap', 'EAP'],
    ...overrides,
  };
}

const record = (d: ConsignmentDraft, extra: Partial<DraftRecord> = {}): DraftRecord => ({
  draft: d,
  line: 3,
  issues: [],
  ...extra,
});
const codes = (r: ReturnType<typeof validateRecord>) => (r.ok ? [] : r.errors.map((e) => e.code));

beforeAll(async () => {
  await loadAirports();
});

describe('AWB numbers', () => {
  it('checks the serial mod 7', () => {
    expect(checkAwb('157-68076960')).toEqual({ ok: true, awb: '157-68076960' });
    expect(checkAwb('15768076960')).toEqual({ ok: true, awb: '157-68076960' });
    expect(checkAwb('157-68076961')).toMatchObject({ ok: false, reason: 'check-digit' });
    expect(checkAwb('157-6807696')).toMatchObject({ ok: false, reason: 'format' });
    expect(checkAwb(makeAwb('020', 1234567))).toMatchObject({ ok: true, awb: '020-12345675' });
  });

  it('reports AWB_FORMAT and AWB_CHECK_DIGIT on the AWB line', () => {
    expect(codes(validateRecord(record(draft({ awb: '157-1234' })), {}))).toEqual(['AWB_FORMAT']);
    const bad = validateRecord(record(draft({ awb: '157-68076961' }), { fieldLines: { awb: 2 } }), {});
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ code: 'AWB_CHECK_DIGIT', line: 2, field: 'awb' });
  });
});

describe('validation of a record', () => {
  it('normalises a good record into the canonical consignment', () => {
    const result = validateRecord(record(draft()), { documentId: 'D1' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.consignment).toEqual({
      kind: 'master',
      awb: '157-68076960',
      hawb: null,
      parcelId: null,
      origin: 'BSL',
      destination: 'DOH',
      pieces: 1,
      weightKg: 40,
      description: 'Machine bearings',
      hsCodes: ['848210'],
      shipper: party('Shipper AG'),
      consignee: party('Consignee LLC'),
      declaredValue: null,
      specialHandling: ['EAP'],
      source: { documentId: 'D1', line: 3 },
    });
  });

  it('folds white space in descriptions and party fields', () => {
    const r = validateRecord(
      record(
        draft({
          description: '  Machine \t bearings\n',
          shipper: { ...party(' Shipper  AG '), city: 'Town' },
        }),
      ),
      {},
    );
    expect(r.ok && [r.consignment.description, r.consignment.shipper?.name]).toEqual([
      'Machine bearings',
      'Shipper AG',
    ]);
  });

  it('converts pounds to kilograms', () => {
    const r = validateRecord(record(draft({ rawWeight: '100', weightUnit: 'L' })), {});
    expect(r.ok && r.consignment.weightKg).toBe(45.359);
  });

  it.each([
    ['missing', { rawWeight: null }],
    ['zero', { rawWeight: '0' }],
    ['negative', { rawWeight: '-4' }],
    ['not a number', { rawWeight: 'abc' }],
    ['without a unit', { rawWeight: '12', weightUnit: null }],
  ] as const)('rejects a weight that is %s with INVALID_WEIGHT', (_label, overrides) => {
    expect(codes(validateRecord(record(draft(overrides as Partial<ConsignmentDraft>)), {}))).toEqual([
      'INVALID_WEIGHT',
    ]);
  });

  it('requires the 7+1 data (shipper/consignee name and address, description, pieces)', () => {
    const r = validateRecord(
      record(
        draft({ shipper: null, consignee: { ...party(''), address: null }, description: ' ', pieces: null }),
      ),
      {},
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field)).toEqual([
      'description',
      'pieces',
      'shipper.name',
      'shipper.address',
      'consignee.name',
      'consignee.address',
    ]);
    expect(new Set(r.errors.map((e) => e.code))).toEqual(new Set(['MISSING_FIELD']));
  });

  it('accepts records without parties when the format does not carry them (FFM)', () => {
    const r = validateRecord(
      record(draft({ shipper: null, consignee: null }), { notCarried: ['shipper', 'consignee'] }),
      {},
    );
    expect(r.ok).toBe(true);
  });

  it('checks airports against the dataset, countries against ISO 3166 and HS codes', () => {
    expect(codes(validateRecord(record(draft({ origin: 'XXX' })), {}))).toEqual(['INVALID_LOCATION']);
    expect(codes(validateRecord(record(draft({ destination: 'MEX' })), {}))).toEqual([]);
    expect(
      codes(validateRecord(record(draft({ shipper: { ...party('A'), countryCode: 'ZZ' } })), {})),
    ).toEqual(['INVALID_COUNTRY']);
    const alpha3 = validateRecord(record(draft({ shipper: { ...party('A'), countryCode: 'MEX' } })), {});
    expect(alpha3.ok && alpha3.consignment.shipper?.countryCode).toBe('MX');
    expect(codes(validateRecord(record(draft({ hsCodes: ['12'] })), {}))).toEqual(['INVALID_HS_CODE']);
    expect(codes(validateRecord(record(draft({ hsCodes: ['7712'] })), {}))).toEqual(['INVALID_HS_CODE']);
    const dotted = validateRecord(record(draft({ hsCodes: ['9303.20', '930320'] })), {});
    expect(dotted.ok && dotted.consignment.hsCodes).toEqual(['930320']);
    // Thousands of codes, each twice: one of each kept, in order (includes() over the list made
    // 80,000 codes take 11 s; a record is read whole before its size is judged).
    const many = Array.from({ length: 80_000 }, (_, i) => String(100000 + (i % 40_000) * 2));
    const kept = validateRecord(record(draft({ hsCodes: many })), {});
    expect(codes(kept)).toEqual(['RECORD_TOO_LARGE']);
    const fewer = many.filter((_, i) => i % 40_000 < 12_000);
    const twice = validateRecord(record(draft({ hsCodes: fewer })), {});
    expect(twice.ok && twice.consignment.hsCodes).toEqual(fewer.slice(0, 12_000));
  });

  it('accepts exactly the HS codes of 4 to 10 digits (dots and spaces dropped) of chapters 01–97 but 77', () => {
    const reference = (item: string): string | null => {
      const code = item.replace(/[\s.]/g, '');
      const chapter = Number(code.slice(0, 2));
      return /^\d{4,10}$/.test(code) && chapter >= 1 && chapter <= 97 && chapter !== 77 ? code : null;
    };
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('0', '1', '3', '7', '9', '.', ' ', 'a', '٣'), { maxLength: 12 }),
        (chars) => {
          const item = chars.join('');
          const r = validateRecord(record(draft({ hsCodes: [item] })), {});
          const expected = reference(item);
          if (expected === null) expect(codes(r)).toEqual(['INVALID_HS_CODE']);
          else expect(r.ok && r.consignment.hsCodes).toEqual([expected]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('warns about vague descriptions without rejecting', () => {
    const r = validateRecord(record(draft({ description: 'GIFTS AND SAMPLES' })), {});
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'VAGUE_DESCRIPTION', severity: 'warning' })]);
    expect(isVagueDescription('as per invoice')).toBe(true);
    expect(isVagueDescription('12345')).toBe(true);
    expect(isVagueDescription('xxxx')).toBe(true);
    expect(isVagueDescription('...')).toBe(true);
    expect(isVagueDescription('Ceramic mugs')).toBe(false);
  });

  it('rejects a bad declared value', () => {
    expect(
      codes(validateRecord(record(draft({ declaredValue: { amount: -1, currency: 'USD' } })), {})),
    ).toEqual(['INVALID_VALUE']);
    expect(
      codes(validateRecord(record(draft({ declaredValue: { amount: 5, currency: 'dollars' } })), {})),
    ).toEqual(['INVALID_VALUE']);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects a volume of %d m³', (volumeM3) => {
    expect(codes(validateRecord(record(draft({ volumeM3 })), {}))).toEqual(['PARSE_ERROR']);
  });

  it('keeps a real volume', () => {
    const result = validateRecord(record(draft({ volumeM3: 0.25 })), {});
    expect(result.ok && result.consignment.volumeM3).toBe(0.25);
  });
});
