import airportData from 'airport-data-js';

const { getAirportByContinent } = airportData;

/**
 * IATA airport codes from the maintained airport-data-js dataset (OurAirports/OpenFlights derived).
 * Loaded once per process; the dataset's API is asynchronous, so callers await `loadAirports()`
 * before validating, then check codes synchronously on the hot path.
 */
const CONTINENTS = ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] as const;
let codes: Set<string> | undefined;
let loading: Promise<Set<string>> | undefined;

export function loadAirports(): Promise<Set<string>> {
  if (codes) return Promise.resolve(codes);
  loading ??= (async () => {
    const set = new Set<string>();
    for (const continent of CONTINENTS) {
      for (const airport of await getAirportByContinent(continent)) {
        if (airport.iata && /^[A-Z]{3}$/.test(airport.iata)) set.add(airport.iata);
      }
    }
    codes = set;
    return set;
  })();
  return loading;
}

/** True when the code is a known IATA airport; throws if loadAirports() was never awaited. */
export function isKnownAirport(code: string): boolean {
  if (!codes) throw new Error('airport dataset not loaded: await loadAirports() first');
  return codes.has(code);
}
