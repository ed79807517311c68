import type { Consignment } from '../../shared/model/consignment.js';

/** An ordinary parcel from Shenzhen to a buyer in Mexico City; override what a test needs. */
export function parcel(overrides: Partial<Consignment> = {}): Consignment {
  return {
    kind: 'parcel',
    awb: '020-12345675',
    hawb: null,
    parcelId: 'PX1000001',
    origin: 'SZX',
    destination: 'MEX',
    pieces: 1,
    weightKg: 0.8,
    description: 'Cotton T-shirts',
    hsCodes: ['610910'],
    shipper: {
      name: 'Shenzhen Bright Trading Co',
      address: '12 Nanshan Rd',
      city: 'Shenzhen',
      postcode: '518000',
      countryCode: 'CN',
    },
    consignee: {
      name: 'María José Pérez',
      address: 'Av. Reforma 222',
      city: 'Ciudad de México',
      postcode: '06600',
      countryCode: 'MX',
    },
    declaredValue: { amount: 24, currency: 'USD' },
    specialHandling: [],
    source: { line: 2 },
    ...overrides,
  };
}
