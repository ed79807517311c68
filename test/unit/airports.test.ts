import { describe, expect, it } from 'vitest';
import { airportCodesFromDataset } from '../../scripts/generate-airports.js';
import { AIRPORT_DATASET, isKnownAirport, loadAirports } from '../../shared/reference/airports.js';

describe('airport code index', () => {
  it('matches the maintained airport-data-js dataset (run npm run gen:airports after updating it)', async () => {
    const fromPackage = await airportCodesFromDataset();
    const index = await loadAirports();
    expect([...index].sort()).toEqual(fromPackage);
    expect(AIRPORT_DATASET).toMatch(/^airport-data-js@/);
  });

  it('knows real airports and refuses made-up ones', () => {
    for (const code of ['MEX', 'GDL', 'MTY', 'LAX', 'DOH', 'BSL', 'CDG', 'PVG'])
      expect(isKnownAirport(code)).toBe(true);
    for (const code of ['XXX', 'ZZZ', 'mex', 'ME']) expect(isKnownAirport(code)).toBe(false);
  });
});
