import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsignmentSchema, type Consignment } from '../../shared/model/consignment.js';
import { cargoImpAck } from '../../shared/formats/cargo-imp/ack.js';
import { REPO_ROOT, run } from '../fixtures/cargo-imp/helpers.js';

/** The public corpus sits next to the repository (../shared/corpus); CORPUS_DIR overrides. */
const CORPUS = process.env.CORPUS_DIR ?? join(REPO_ROOT, '..', 'shared', 'corpus');
const DIR = join(CORPUS, 'cargo-imp');
const present = existsSync(DIR);
const read = (name: string) => readFileSync(join(DIR, name));
const byAwb = (cs: Consignment[], awb: string, hawb: string | null = null) =>
  cs.find((c) => c.awb === awb && c.hawb === hawb) ?? expect.fail(`no consignment ${awb} ${hawb ?? ''}`);

describe.skipIf(!present)('Cargo-IMP conformance over the public corpus', () => {
  const files = present ? readdirSync(DIR).filter((f) => f.endsWith('.txt')) : [];

  it('holds the expected files', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s is read as Cargo-IMP without a crash, every segment understood', async (name) => {
    const { consignments, summary } = await run(read(name));
    expect(summary.format).toBe('cargo-imp');
    const { received, accepted, rejected, duplicate } = summary.counts;
    expect(received).toBeGreaterThan(0);
    expect(accepted + rejected + duplicate).toBe(received);
    expect(consignments).toHaveLength(accepted);
    for (const c of consignments) expect(ConsignmentSchema.safeParse(c).success).toBe(true);
    // The reader itself finds nothing malformed in real traffic: errors, if any, are the validator's.
    expect(summary.errors.filter((e) => e.code === 'PARSE_ERROR')).toEqual([]);
    expect(summary.warnings.filter((w) => w.code === 'LINE_TOO_LONG')).toEqual([]);
  });

  it('awbix FWB/16 sample 1: every canonical field', async () => {
    const { consignments, summary } = await run(read('awbix-fwb16-sample1.txt'));
    expect(summary.status).toBe('accepted');
    expect(consignments).toEqual([
      expect.objectContaining({
        kind: 'master',
        awb: '157-68076960',
        origin: 'BSL',
        destination: 'DOH',
        pieces: 1,
        weightKg: 40,
        volumeM3: 0.36,
        description: 'PHARMACEUTICALS - NOT RESTRICTED NOT RESTRICTED AS PER SPECIAL PROVISION A 199',
        hsCodes: ['30049000'],
        shipper: {
          name: 'F HOFFMANN - LA ROCHE LTD',
          address: 'GRENZACHERSTRASSE 124',
          city: 'BASEL',
          postcode: '4070',
          countryCode: 'CH',
        },
        consignee: {
          name: 'M S EBN SINA MEDICAL',
          address: 'BARWA COMMERCIAL AVENUE - SAYER DIS',
          city: 'DOHA',
          postcode: null,
          countryCode: 'QA',
        },
        declaredValue: null,
        specialHandling: ['PIL', 'PIP', 'ERT', 'DNS', 'SPX', 'EAP', 'ECC'],
      }),
    ]);
    expect((consignments[0]!.extra?.oci as unknown[]).length).toBe(6);
  });

  it('awbix FWB/16 samples 2 and 3', async () => {
    const two = (await run(read('awbix-fwb16-sample2.txt'))).consignments[0]!;
    expect(two).toMatchObject({
      awb: '157-79284774',
      origin: 'HKG',
      destination: 'CMB',
      pieces: 1472,
      weightKg: 13859,
      volumeM3: 84.6,
      description: 'DRY BATTERY NOT RESTRICTED AS PER S P A123; CONSOL SHIPMENT',
      shipper: {
        name: 'EXPO FREIGHT HONG KONG LIMITED',
        city: 'HONG KONG',
        countryCode: 'HK',
        postcode: null,
      },
      consignee: {
        name: 'EXPOLANKA FREIGHT PVT LTD',
        city: 'WELLAMPITIYA',
        postcode: '10600',
        countryCode: 'LK',
      },
    });
    const three = (await run(read('awbix-fwb16-sample3.txt'))).consignments[0]!;
    expect(three).toMatchObject({
      awb: '157-67568642',
      pieces: 3,
      weightKg: 866,
      volumeM3: 3.322,
      description: 'FEED SUPPLEMENTS FOR HORSES',
      hsCodes: ['230990'],
      consignee: {
        name: 'MAYA AL HAYAT TRADING EST.',
        city: 'AL JAZIRAH QATIF',
        postcode: '32636',
        countryCode: 'SA',
      },
      specialHandling: ['HEA', 'GCR', 'NSC', 'EAP', 'ECC'],
    });
    expect(three.extra).toMatchObject({ slac: '3', flights: ['QR9202/17'] });
  });

  it('awbix FHL/5 samples: houses with their master, parties, HS codes and OCI', async () => {
    const one = (await run(read('awbix-fhl5-sample1.txt'))).consignments;
    expect(one).toEqual([
      expect.objectContaining({
        kind: 'house',
        awb: '157-67661882',
        hawb: '530510258554',
        origin: 'BLR',
        destination: 'CDG',
        pieces: 2,
        weightKg: 64,
        hsCodes: ['88079000'],
        shipper: {
          name: 'STS TITEFLEX INDIA PVT LTD',
          address: '38KIADB INDUSTRIAL AREA',
          city: 'BANGALORE',
          postcode: '561203',
          countryCode: 'IN',
        },
        consignee: {
          name: 'AIRBUS OPERATIONS S.A.SCPTE FOURN',
          address: 'AD34301385 TSA 5008',
          city: 'TOULOUSE',
          postcode: '31060',
          countryCode: 'FR',
        },
      }),
    ]);
    // The 15-character short description continues in TXT: glued back together.
    expect(one[0]!.description.startsWith('HOSE ASSEMBLY.INVOICE NOS')).toBe(true);

    const three = (await run(read('awbix-fhl5-sample3.txt'))).consignments;
    expect(three).toEqual([
      expect.objectContaining({
        awb: '157-49225050',
        hawb: 'MAA43138355',
        description: 'CATALYST 9500 24X1 10 25G AND 4-PORT 40 100G. ADVANTAGE-NON-CARRIER ETHERNET SWITCH',
        hsCodes: ['851762'],
        specialHandling: ['EAW', 'NSC'],
        shipper: expect.objectContaining({
          name: 'FLEXTRONICS TECHNOLOGIES INDIA PRIVATE BONDED WAREHOUSE MOOWR',
          countryCode: 'IN',
          postcode: '602106',
        }),
        consignee: expect.objectContaining({
          name: 'CISCO SYSTEMS INC SLC',
          city: 'HOUSTON',
          countryCode: 'US',
          postcode: '770415398',
        }),
      }),
    ]);
    expect((three[0]!.extra?.oci as unknown[]).length).toBe(6);
  });

  it('gumraq FWB/17: NAM/ADR/LOC parties, notify, customs value; RIO is not an airport', async () => {
    const { consignments, summary } = await run(read('gumraq-fwb17.txt'));
    expect(summary.counts).toEqual({ received: 5, accepted: 2, rejected: 1, duplicate: 2 });
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_LOCATION', line: 163, field: 'origin' }),
    ]);
    const first = byAwb(consignments, '555-64264793');
    expect(first).toMatchObject({
      origin: 'SVO',
      destination: 'REN',
      pieces: 114,
      weightKg: 2380,
      description: 'ABRASIVE PASTE; UN3528.RFL.PI 378 1 ENGINE X 950 KG OVERPACK USED',
      shipper: { name: 'T. ULSIDAS LTD.', address: '105 VEER TAMAN ROAD', city: 'MUMBAI', countryCode: 'IN' },
      consignee: {
        name: 'AMERICAN MOTORS',
        address: '29 BAY JAMES ST',
        city: 'BLOOMINGTON',
        postcode: '52601',
        countryCode: 'US',
      },
      notify: {
        name: 'EXPOWESTRANS KRASNOPRESNENSKAYA NABEREZHNAYA 14 CODE 10129010',
        city: 'MOSCOW',
        countryCode: 'RU',
      },
      declaredValue: { amount: 5696, currency: 'USD' },
    });
    expect(byAwb(consignments, '777-12345675')).toMatchObject({
      origin: 'LHR',
      destination: 'JFK',
      weightKg: 913,
      description: 'CONSOLIDATION AS PER ATTACHED LIST',
    });
  });

  it('gumraq FHL/5: one house per HBS; houses without SHP/CNE fail only the 7+1 party check', async () => {
    const { consignments, summary } = await run(read('gumraq-fhl5.txt'));
    expect(summary.counts).toEqual({ received: 13, accepted: 4, rejected: 9, duplicate: 0 });
    expect(new Set(summary.errors.map((e) => e.code))).toEqual(new Set(['MISSING_FIELD']));
    expect(consignments.map((c) => c.hawb)).toEqual(['AEI12345678', '51791876', '01348535', 'U182306']);
    expect(byAwb(consignments, '057-04149994', 'U182306')).toMatchObject({
      origin: 'SVO',
      destination: 'FCO',
      pieces: 1,
      weightKg: 85,
      hsCodes: ['3002120005'],
      specialHandling: ['NSC', 'ICE'],
      description:
        'HUMAN BLOOD UN3373 CAT.B DRY ICE UN1845 1 20 KG DIMS 79X53X58 CM X 1 HS CODE 3002120005 1 SLAC',
      shipper: { name: 'HUMAN VACCINE LLC', city: 'MOSCOW', postcode: '123112', countryCode: 'RU' },
      consignee: {
        name: 'ISTITUTO NAZIONALE SPALLANZANI',
        city: 'ROMA',
        postcode: '00149',
        countryCode: 'IT',
      },
    });
  });

  it('gumraq FFM/8: the invalid check digits are AWB_CHECK_DIGIT, split shipments keep their totals', async () => {
    const { consignments, summary } = await run(read('gumraq-ffm8.txt'));
    expect(summary.counts.received).toBe(35);
    const checkDigit = summary.errors.filter((e) => e.code === 'AWB_CHECK_DIGIT');
    expect(checkDigit.map((e) => [e.line, /AWB (\d{3}-\d{8})/.exec(e.message)?.[1]])).toEqual([
      [49, '074-12345632'],
      [66, '074-12345641'],
      [92, '074-67534415'],
    ]);
    // TYO is a city code, not an airport.
    expect(summary.errors.filter((e) => e.code !== 'AWB_CHECK_DIGIT').map((e) => [e.code, e.line])).toEqual([
      ['INVALID_LOCATION', 84],
    ]);
    expect(byAwb(consignments, '057-76215436')).toMatchObject({
      origin: 'CDG',
      destination: 'JFK',
      pieces: 2,
      weightKg: 30,
      volumeM3: 0.33,
      description: 'SHOES',
      shipper: null,
      extra: expect.objectContaining({
        flight: 'AF077',
        flightDate: '17APR',
        loadingPoint: 'CDG',
        unloadingPoint: 'JFK',
        uld: 'PMC01473R7',
        part: 2,
      }),
    });
    expect(byAwb(consignments, '014-27257053')).toMatchObject({ pieces: 4, totalPieces: 12, weightKg: 400 });
    expect(byAwb(consignments, '580-25194864').specialHandling).toEqual([
      'BUP',
      'CAR',
      'RMD',
      'SPX',
      'PAX',
      'EAP',
    ]);
  });

  it('the FMA for awbix FWB/16 sample 1 is the reference acknowledgement', async () => {
    const text = read('awbix-fwb16-sample1.txt').toString('utf8');
    const { summary } = await run(text);
    const reference = readFileSync(join(CORPUS, 'reference', 'awbix-fma-fna-acks.txt'), 'utf8').split(
      /\r?\n---\r?\n/,
    )[0]!;
    expect(cargoImpAck(summary, text.split('\n').slice(0, 5))).toBe(reference.replace(/\r?\n$/, '') + '\r\n');
  });
});
