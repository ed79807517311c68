import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CONSIGNMENT_KINDS,
  ConsignmentSchema,
  type ConsignmentDraft,
} from '../../shared/model/consignment.js';
import { loadAirports } from '../../shared/reference/airports.js';
import { validateRecord } from '../../shared/validation/validate.js';

/**
 * The validator checks by hand what ConsignmentSchema states (zod costs too much per record on
 * the hot path): for any draft, an accepted record must satisfy the schema, and nothing throws.
 */
/** Mostly a valid value, sometimes anything: so both the accepting and rejecting paths are hit. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, wild: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: wild });

const airport = mostly(
  fc.constantFrom('BSL', 'DOH', 'MEX', ' mex ', null),
  fc.oneof(fc.string({ maxLength: 4 }), fc.constant('XXX')),
);
const words = fc.stringMatching(/^[A-Za-z][A-Za-z .,-]{0,15}$/);
const party = mostly(
  fc.record({
    name: words,
    address: words,
    city: fc.option(words),
    postcode: fc.option(fc.stringMatching(/^[0-9A-Z ]{3,8}$/)),
    countryCode: fc.option(fc.constantFrom('MX', 'US', 'USA', 'cn', '484')),
  }),
  fc.option(
    fc.record({
      name: fc.string({ maxLength: 10 }),
      address: fc.option(fc.string({ maxLength: 10 })),
      city: fc.option(fc.string({ maxLength: 10 })),
      postcode: fc.option(fc.string({ maxLength: 6 })),
      countryCode: fc.option(fc.oneof(fc.constantFrom('ZZ', ''), fc.string({ maxLength: 3 }))),
    }),
  ),
);
const draft: fc.Arbitrary<ConsignmentDraft> = fc.record({
  kind: fc.constantFrom(...CONSIGNMENT_KINDS),
  awb: mostly(
    fc.constantFrom('157-68076960', '15768076960', '020-12345675'),
    fc.oneof(fc.constant(null), fc.constant('157-68076961'), fc.string({ maxLength: 14 })),
  ),
  hawb: mostly(fc.stringMatching(/^[A-Z0-9]{1,8}$/), fc.option(fc.string({ maxLength: 8 }))),
  parcelId: mostly(fc.stringMatching(/^[A-Z0-9]{1,8}$/), fc.option(fc.string({ maxLength: 8 }))),
  origin: airport,
  destination: airport,
  pieces: mostly(
    fc.integer({ min: 1, max: 500 }),
    fc.option(fc.oneof(fc.integer({ min: -3, max: 0 }), fc.double())),
  ),
  totalPieces: fc.option(mostly(fc.integer({ min: 1, max: 500 }), fc.integer({ min: -1, max: 0 }))),
  rawWeight: mostly(
    fc.double({ min: 0.001, max: 1e5, noNaN: true }).map(String),
    fc.option(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('1,5', '0', '-1'))),
  ),
  weightUnit: mostly(fc.constantFrom('K' as const, 'L' as const), fc.constant(null)),
  volumeM3: fc.option(mostly(fc.double({ min: 0, max: 100, noNaN: true }), fc.double())),
  description: mostly(words, fc.option(fc.string({ maxLength: 30 }))),
  hsCodes: fc.array(
    mostly(
      fc.constantFrom('9303.20', '293339', '610910'),
      fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('7712', '01')),
    ),
    { maxLength: 3 },
  ),
  shipper: party,
  consignee: party,
  declaredValue: fc.option(
    mostly(
      fc.record({
        amount: fc.double({ min: 0, max: 1e6, noNaN: true }),
        currency: fc.constantFrom('USD', 'mxn'),
      }),
      fc.record({ amount: fc.double(), currency: fc.string({ maxLength: 4 }) }),
    ),
  ),
  specialHandling: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
});

describe('validateRecord (property)', () => {
  beforeAll(async () => {
    await loadAirports();
  });

  it('never throws, and every accepted record satisfies ConsignmentSchema', () => {
    let accepted = 0;
    fc.assert(
      fc.property(draft, fc.integer({ min: 1, max: 10_000 }), (d, line) => {
        const result = validateRecord({ draft: d, line, issues: [] }, { file: 'f' });
        if (result.ok) {
          accepted += 1;
          const parsed = ConsignmentSchema.safeParse(result.consignment);
          expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        } else {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) expect(e.line).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the accepting branch, or the property says nothing.
    expect(accepted).toBeGreaterThan(0);
  });
});
