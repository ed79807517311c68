import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import airportData from 'airport-data-js';

/**
 * Derives the compact IATA code index (shared/reference/airport-codes.json) from the
 * maintained airport-data-js dataset. Run `npm run gen:airports` after updating that package;
 * test/unit/airports.test.ts fails while the index and the package disagree.
 */
const CONTINENTS = ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] as const;

export async function airportCodesFromDataset(): Promise<string[]> {
  const set = new Set<string>();
  for (const continent of CONTINENTS)
    for (const airport of await airportData.getAirportByContinent(continent))
      if (airport.iata && /^[A-Z]{3}$/.test(airport.iata)) set.add(airport.iata);
  return [...set].sort();
}

export const INDEX_FILE = fileURLToPath(new URL('../shared/reference/airport-codes.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const codes = await airportCodesFromDataset();
  const pkgFile = fileURLToPath(new URL('../node_modules/airport-data-js/package.json', import.meta.url));
  const pkg = JSON.parse(await readFile(pkgFile, 'utf8')) as { version: string };
  await writeFile(
    INDEX_FILE,
    `${JSON.stringify({ source: `airport-data-js@${pkg.version}`, count: codes.length, codes: codes.join(' ') })}\n`,
  );
  process.stdout.write(
    `wrote ${codes.length} IATA codes from airport-data-js@${pkg.version} to ${INDEX_FILE}\n`,
  );
}
