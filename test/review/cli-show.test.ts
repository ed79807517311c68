import { describe, expect, it } from 'vitest';
import { printShow, type ShowAnswer } from '../../cli/commands/review.js';

const answer = (consignment: Record<string, unknown>, text: string): ShowAnswer => ({
  item: { id: 'I1', ref: 'P1', categories: ['denied-party'], riskScore: 95, status: 'PENDING', age: 5 },
  consignment,
  flags: [
    {
      category: 'denied-party',
      rule: 'denied-party-exact',
      score: 95,
      evidence: { field: 'consignee.name', text },
    },
  ],
  audit: [],
  document: null,
  related: [],
});

describe('intake review show (human form)', () => {
  it('quotes evidence once, and shows a route only for a consignment that has airports', () => {
    const parcel = printShow(
      answer(
        { parcelId: 'P1', pieces: 1, weightKg: 2 },
        '"Ana Ruiz" matches listed name "RUIZ, Ana" (similarity 1.00)',
      ),
    );
    expect(parcel).toContain('  consignment P1  1 pc  2 kg');
    expect(parcel).toContain('consignee.name "Ana Ruiz" matches listed name "RUIZ, Ana" (similarity 1.00)');
    const awb = printShow(answer({ awb: '020-1', origin: 'LAX', pieces: 3, weightKg: 9 }, '930591'));
    expect(awb).toContain('  consignment 020-1  LAX→?  3 pc  9 kg');
    expect(awb).toContain('consignee.name "930591"');
  });
});
