import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makeAwb } from '../shared/reference/awb.js';
import { FIRST_MX, rng, SURNAMES_MX } from '../eval/generate.js';

export const PARCEL_HEADER =
  'MawbNr,BoxID,ParcelID,ShipperName,ShipperStreet,ShipperZip,ShipperCity,ShipperCountry,BuyerName,BuyerStreet,BuyerZip,BuyerCity,BuyerCountry,NumberOfPieces,TotalWeight,ItemHSCode,GoodsDescription,Currency,TotalValue';

const SHIPPERS = [
  ['Shenzhen Bright Trading Co', '12 Nanshan Rd', '518000', 'Shenzhen', 'CN'],
  ['Yiwu Home Goods', '3 Futian Rd', '322000', 'Yiwu', 'CN'],
  ['Dongguan Apparel Ltd', '7 Humen Ave', '523000', 'Dongguan', 'CN'],
];
const CITIES = [
  ['Ciudad de México', '06600'],
  ['Guadalajara', '44100'],
  ['Monterrey', '64000'],
  ['Puebla', '72000'],
];
const GOODS = [
  ['610910', 'Cotton T-shirts'],
  ['420292', 'Canvas tote bag'],
  ['691110', 'Ceramic mugs'],
  ['392690', 'Plastic hooks'],
  ['851830', 'Wireless earphones'],
  ['950300', 'Plush toy'],
];

/**
 * Writes a parcel manifest in the e-commerce layout with `rows` item rows (1–2 items a parcel).
 * Returns the file size in bytes.
 */
export async function generateParcelCsv(file: string, rows: number, seed = 7): Promise<number> {
  await mkdir(dirname(file), { recursive: true });
  // The evaluation set's seeded PRNG: generated files are identical run to run.
  const rnd = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const out = createWriteStream(file);
  let bytes = 0;
  const put = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  await put(`${PARCEL_HEADER}\n`);
  const mawb = makeAwb('020', 1234567);
  let parcel = 0;
  let written = 0;
  let chunk = '';
  while (written < rows) {
    parcel += 1;
    const [sName, sStreet, sZip, sCity, sCountry] = pick(SHIPPERS);
    const [city, zip] = pick(CITIES);
    // Buyers: given name and two surnames from the evaluation set's pools (~155,000
    // combinations; a million rows hold ~154,000 of them, each on ~5 parcels).
    const buyer = `${pick(FIRST_MX)} ${pick(SURNAMES_MX)} ${pick(SURNAMES_MX)}`;
    const items = rnd() < 0.3 ? 2 : 1;
    const weight = (0.2 + rnd() * 4).toFixed(2);
    for (let i = 0; i < items && written < rows; i++, written++) {
      const [hs, desc] = pick(GOODS);
      const value = (3 + rnd() * 60).toFixed(2);
      chunk += `${mawb},B${Math.floor(parcel / 50)},P${String(parcel).padStart(9, '0')},${sName},${sStreet},${sZip},${sCity},${sCountry},${buyer},Av. Reforma ${1 + Math.floor(rnd() * 900)},${zip},${city},MX,1,${weight},${hs},${desc},USD,${value}\n`;
    }
    if (chunk.length > 1 << 16) {
      await put(chunk);
      chunk = '';
    }
  }
  await put(chunk);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return bytes;
}
