import { bufferChunks, processAll } from '../../shared/intake/process.js';

/** Reads a text (or bytes) as an uploaded document through the whole pipeline. */
export function readText(text: string | Buffer, fileName = 'test-input') {
  return processAll(bufferChunks(text, 7), { fileName });
}

/** Small chunks (7 bytes) make every reader cope with records and characters split across chunks. */
export const HEADER =
  'MawbNr,ParcelID,ShipperName,ShipperStreet,ShipperCity,ShipperZip,ShipperCountry,BuyerName,BuyerStreet,BuyerCity,BuyerZip,BuyerCountry,NumberOfPieces,TotalWeight,ItemHSCode,GoodsDescription,Currency,TotalValue';

export function row(overrides: Partial<Record<string, string>> = {}): string {
  const base: Record<string, string> = {
    MawbNr: '020-12345675',
    ParcelID: 'P1',
    ShipperName: 'Shenzhen Bright Trading Co',
    ShipperStreet: '12 Nanshan Rd',
    ShipperCity: 'Shenzhen',
    ShipperZip: '518000',
    ShipperCountry: 'CN',
    BuyerName: 'Ana López',
    BuyerStreet: 'Insurgentes Sur 1500',
    BuyerCity: 'Ciudad de México',
    BuyerZip: '03920',
    BuyerCountry: 'MX',
    NumberOfPieces: '1',
    TotalWeight: '1.5',
    ItemHSCode: '691110',
    GoodsDescription: 'Ceramic mugs',
    Currency: 'USD',
    TotalValue: '18.00',
  };
  const merged = { ...base, ...overrides };
  return HEADER.split(',')
    .map((h) => merged[h] ?? '')
    .join(',');
}
