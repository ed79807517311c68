/**
 * Generates the screening evaluation set (fixed seed, so the files in eval/data are
 * reproducible): realistic clean parcel and cargo traffic on the China/US → Mexico corridor,
 * with hard look-alikes (AV receivers, ink cartridges, Diesel jeans, glue guns …), plus
 * planted risks in every category, in English and Spanish, with names accented, unaccented,
 * reordered, with other legal suffixes, typos and alt names. Every record is labelled with
 * the categories a reviewer should see.
 *
 *   npx tsx eval/generate.ts            writes eval/data/{consignments.jsonl,watchlist.csv,demo-parcels.csv}
 *
 * The names and companies are fictional; the watchlist only imitates the CSL CSV layout.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConsignmentSchema, type Consignment, type Party } from '../shared/model/consignment.js';
import { reorderLastFirst } from '../shared/screening/names.js';
import { foldText } from '../shared/screening/text.js';
import type { FlagCategory } from '../shared/screening/types.js';
import type { WatchlistEntry } from '../shared/screening/watchlist.js';

export const SEED = 20261101;

export type Rng = () => number;
/** mulberry32: small, fast, good enough for test data. */
export function rng(seed = SEED): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const between = (r: Rng, lo: number, hi: number) => lo + r() * (hi - lo);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

// ── name pools ────────────────────────────────────────────────────────────────────────────
export const FIRST_MX = [
  'José',
  'María',
  'Juan Carlos',
  'Ana Sofía',
  'Luis Ángel',
  'Guadalupe',
  'Martín',
  'Andrés',
  'Fernanda',
  'Héctor',
  'Jesús',
  'Sofía',
  'Valeria',
  'Ximena',
  'Diego',
  'Alejandro',
  'Ramón',
  'Rocío',
  'Verónica',
  'Itzel',
  'Joaquín',
  'Rubén',
  'Adriana',
  'Mónica',
  'Raúl',
  'Iván',
  'Lucía',
  'Patricia',
  'Ricardo',
  'Óscar',
  'Daniela',
  'Emilio',
  'Renata',
  'Camila',
  'Santiago',
  'Mateo',
  'Regina',
  'Leonardo',
  'Gabriela',
  'Efraín',
  'Araceli',
  'Noé',
  'Yolanda',
  'Eréndira',
  'Tomás',
  'Inés',
];
export const SURNAMES_MX = [
  'García',
  'Hernández',
  'López',
  'Martínez',
  'González',
  'Pérez',
  'Rodríguez',
  'Sánchez',
  'Ramírez',
  'Cruz',
  'Flores',
  'Gómez',
  'Morales',
  'Vázquez',
  'Reyes',
  'Jiménez',
  'Torres',
  'Díaz',
  'Gutiérrez',
  'Ruiz',
  'Mendoza',
  'Aguilar',
  'Ortiz',
  'Moreno',
  'Castillo',
  'Romero',
  'Álvarez',
  'Méndez',
  'Chávez',
  'Rivera',
  'Juárez',
  'Ramos',
  'Domínguez',
  'Herrera',
  'Medina',
  'Castro',
  'Vargas',
  'Guzmán',
  'Salazar',
  'Núñez',
  'Ibarra',
  'Montoya',
  'Quintero',
  'Saldaña',
  'Espinoza',
  'Ruvalcaba',
  'Barragán',
  'Zúñiga',
  'Peña',
  'Arellano',
  'Cervantes',
  'Villaseñor',
  'Ochoa',
  'Treviño',
  'Garza',
  'Cárdenas',
  'Valenzuela',
  'Bustamante',
];
const FIRST_US = [
  'John',
  'Michael',
  'Sarah',
  'Emily',
  'David',
  'Jessica',
  'Robert',
  'Ashley',
  'James',
  'Megan',
  'Brian',
  'Laura',
];
const LAST_US = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Miller',
  'Davis',
  'Wilson',
  'Anderson',
  'Taylor',
  'Moore',
  'Jackson',
  'Holloway',
];
const CN_GIVEN = [
  'Wei',
  'Ming',
  'Jun',
  'Hui',
  'Lei',
  'Xiaoling',
  'Jian',
  'Yan',
  'Hao',
  'Fang',
  'Qiang',
  'Li Na',
  'Weiming',
  'Jiahui',
];
const CN_FAMILY = [
  'Zhang',
  'Wang',
  'Li',
  'Liu',
  'Chen',
  'Yang',
  'Huang',
  'Zhao',
  'Wu',
  'Zhou',
  'Xu',
  'Sun',
  'Ma',
  'Zhu',
  'Hu',
  'Guo',
];
const OTHER_GIVEN = [
  'Ahmad',
  'Mohammad',
  'Ali',
  'Hassan',
  'Sergei',
  'Dmitri',
  'Igor',
  'Viktor',
  'Olga',
  'Reza',
  'Kim',
  'Pak',
];
const OTHER_FAMILY = [
  'Rahimi',
  'Karimi',
  'Hosseini',
  'Petrov',
  'Ivanov',
  'Sokolov',
  'Volkov',
  'Nazari',
  'Tehrani',
  'Kuznetsov',
];
const CN_CITIES = [
  'Shenzhen',
  'Guangzhou',
  'Yiwu',
  'Dongguan',
  'Ningbo',
  'Shanghai',
  'Hangzhou',
  'Xiamen',
  'Wuhan',
  'Suzhou',
  'Qingdao',
];
const CN_WORDS = [
  'Bright',
  'Sunshine',
  'Golden',
  'Harvest',
  'Evergreen',
  'Rising',
  'Oriental',
  'Jade',
  'Unity',
  'Prosper',
  'Starlight',
  'Blue Ocean',
  'Hengtai',
  'Xinda',
  'Huamei',
  'Jiali',
  'Yuantong',
  'Tianrui',
  'Kaiyuan',
  'Ruifeng',
  'Shengda',
  'Longxiang',
];
const CN_TRADES = [
  'Trading',
  'Import & Export',
  'Textile',
  'Electronics',
  'Technology',
  'Garment',
  'Household Products',
  'Crafts',
  'Industrial',
  'E-commerce',
  'Supply Chain',
  'Plastic Products',
  'Lighting',
  'Toys',
];
const CN_SUFFIX = ['Co., Ltd.', 'Co Ltd', 'Company Limited', 'Co., Limited', 'Ltd', 'Trading Co'];
const MX_WORDS = [
  'del Bajío',
  'del Norte',
  'Azteca',
  'Occidente',
  'Pacífico',
  'Sierra Madre',
  'Anáhuac',
  'Golfo',
  'Altiplano',
  'Sureste',
];
const MX_TRADES = [
  'Comercializadora',
  'Distribuidora',
  'Importadora',
  'Laboratorios',
  'Servicios Logísticos',
  'Grupo Industrial',
  'Ferretería',
];
const MX_SUFFIX = ['S.A. de C.V.', 'SA de CV', 'S. de R.L. de C.V.', 'S.A.P.I. de C.V.', 'SA DE CV'];
const US_WORDS = [
  'Lone Star',
  'Pacific Coast',
  'Great Lakes',
  'Blue Ridge',
  'Desert Sun',
  'Liberty',
  'Redwood',
  'Summit',
  'Gulf Coast',
];
const US_TRADES = [
  'Outfitters',
  'Apparel',
  'Supply',
  'Electronics',
  'Home Goods',
  'Auto Parts',
  'Brands',
  'Distributors',
];
const US_SUFFIX = ['LLC', 'Inc.', 'Inc', 'Corp.', 'Co.'];

const MX_PLACES = [
  { city: 'Ciudad de México', zip: '06600', airport: 'MEX' },
  { city: 'Guadalajara', zip: '44100', airport: 'GDL' },
  { city: 'Monterrey', zip: '64000', airport: 'MTY' },
  { city: 'Tijuana', zip: '22000', airport: 'TIJ' },
  { city: 'Puebla', zip: '72000', airport: 'PBC' },
  { city: 'Querétaro', zip: '76000', airport: 'QRO' },
  { city: 'Mérida', zip: '97000', airport: 'MID' },
  { city: 'Culiacán', zip: '80000', airport: 'CUL' },
  { city: 'Hermosillo', zip: '83000', airport: 'HMO' },
  { city: 'León', zip: '37000', airport: 'BJX' },
  { city: 'Cancún', zip: '77500', airport: 'CUN' },
];
const MX_STREETS = [
  'Av. Reforma',
  'Calle 5 de Mayo',
  'Av. Juárez',
  'Blvd. Díaz Ordaz',
  'Calle Hidalgo',
  'Av. Insurgentes Sur',
  'Calle Morelos',
  'Av. Vallarta',
  'Privada de los Pinos',
  'Calle Niños Héroes',
];
const CN_ORIGINS = [
  { city: 'Shenzhen', zip: '518000', airport: 'SZX' },
  { city: 'Guangzhou', zip: '510000', airport: 'CAN' },
  { city: 'Shanghai', zip: '200000', airport: 'PVG' },
  { city: 'Hangzhou', zip: '310000', airport: 'HGH' },
];
const US_ORIGINS = [
  { city: 'Los Angeles', zip: '90001', airport: 'LAX' },
  { city: 'Miami', zip: '33101', airport: 'MIA' },
  { city: 'Dallas', zip: '75201', airport: 'DFW' },
  { city: 'Laredo', zip: '78040', airport: 'LRD' },
];

export function mxPerson(r: Rng): string {
  const first = pick(r, FIRST_MX);
  const a = pick(r, SURNAMES_MX);
  let b = pick(r, SURNAMES_MX);
  while (b === a) b = pick(r, SURNAMES_MX);
  return `${first} ${a} ${b}`;
}
const usPerson = (r: Rng) => `${pick(r, FIRST_US)} ${pick(r, LAST_US)}`;
const cnCompany = (r: Rng) =>
  `${pick(r, CN_CITIES)} ${pick(r, CN_WORDS)} ${pick(r, CN_TRADES)} ${pick(r, CN_SUFFIX)}`;
const mxCompany = (r: Rng) => `${pick(r, MX_TRADES)} ${pick(r, MX_WORDS)} ${pick(r, MX_SUFFIX)}`;
const usCompany = (r: Rng) => `${pick(r, US_WORDS)} ${pick(r, US_TRADES)} ${pick(r, US_SUFFIX)}`;

// ── watchlist ─────────────────────────────────────────────────────────────────────────────
/** A listed party: a watchlist entry, with the parts of its name to derive variants. */
export interface ListedParty extends WatchlistEntry {
  type: 'Individual' | 'Entity';
  /** As the list writes it ("LAST, First" for individuals). */
  name: string;
  /** Natural order and parts, to derive variants. */
  first?: string;
  last?: string;
}

const SOURCES = [
  ['Specially Designated Nationals (SDN) - Treasury Department', 'SDNTK'],
  ['Specially Designated Nationals (SDN) - Treasury Department', 'ILLICIT-DRUGS-EO14059'],
  ['Entity List (EL) - Bureau of Industry and Security', 'EAR'],
  ['Denied Persons List (DPL) - Bureau of Industry and Security', ''],
  ['Unverified List (UVL) - Bureau of Industry and Security', ''],
  ['ITAR Debarred (DTC) - State Department', ''],
] as const;

/** A synthetic list in the CSL layout: Mexican, Chinese, US and other individuals and entities. */
export function generateWatchlist(r: Rng, size: number): ListedParty[] {
  const out: ListedParty[] = [];
  const seen = new Set<string>();
  while (out.length < size) {
    const [source, programs] = pick(r, SOURCES);
    const n = out.length;
    const kind = r();
    let party: Omit<ListedParty, 'id' | 'source' | 'entityNumber' | 'programs'>;
    if (kind < 0.35) {
      const first = pick(r, FIRST_MX);
      const last = `${pick(r, SURNAMES_MX)} ${pick(r, SURNAMES_MX)}`;
      party = {
        type: 'Individual',
        name: `${last.toUpperCase()}, ${first}`,
        first,
        last,
        altNames: r() < 0.5 ? [`${first} ${last.split(' ')[0]}`] : [],
        countries: 'MX',
        addresses: `${pick(r, MX_PLACES).city}, MX`,
      };
    } else if (kind < 0.5) {
      const first = pick(r, CN_GIVEN);
      const last = pick(r, CN_FAMILY);
      party = {
        type: 'Individual',
        name: `${last.toUpperCase()}, ${first}`,
        first,
        last,
        altNames: [],
        countries: 'CN',
        addresses: `${pick(r, CN_CITIES)}, CN`,
      };
    } else if (kind < 0.6) {
      const first = pick(r, OTHER_GIVEN);
      const last = `${pick(r, OTHER_FAMILY)}`;
      party = {
        type: 'Individual',
        name: `${last.toUpperCase()}, ${first}`,
        first,
        last,
        altNames: [],
        countries: '',
        addresses: '',
      };
    } else if (kind < 0.8) {
      const name = `${pick(r, CN_CITIES)} ${pick(r, CN_WORDS)}${pick(r, CN_WORDS).toLowerCase()} ${pick(r, ['Chemical', 'Pharmatech', 'Biotech', 'Trading', 'New Material', 'Technology'])} Co., Ltd.`;
      party = {
        type: 'Entity',
        name,
        altNames: r() < 0.4 ? [name.split(' ').slice(1, 3).join(' ')] : [],
        countries: 'CN',
        addresses: 'CN',
      };
    } else {
      const name = `${pick(r, MX_TRADES)} ${pick(r, ['Frontera', 'Costa', 'Altamar', 'Cañada', 'Laguna', 'Montaña', 'Valle'])} ${pick(r, MX_WORDS)} ${pick(r, MX_SUFFIX)}`;
      party = { type: 'Entity', name, altNames: [], countries: 'MX', addresses: 'MX' };
    }
    const key = party.name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      id: `eval-${String(n).padStart(6, '0')}`,
      source,
      entityNumber: String(70000 + n),
      programs,
      ...party,
    });
  }
  return out;
}

/**
 * Listed persons with one surname and a middle name ("HOLLOWAY, Bradley James"), whom a party
 * names without the middle name. Appended to the eval set's list from their own seed, so that the
 * rest of the set (drawn from the main seed) stays as it was.
 */
function withMiddleNames(): ListedParty[] {
  const r = rng(SEED + 1);
  const given = [
    'Bradley James',
    'Thomas Edward',
    'Gregory Alan',
    'Douglas Wayne',
    'Vincent Paul',
    'Raymond Lee',
  ];
  const family = ['Holloway', 'Whitfield', 'Pritchard', 'Harrow', 'Castellano', 'Sutter'];
  return given.map((first, k) => {
    const last = family[k]!;
    return {
      id: `eval-mid-${k}`,
      source: pick(r, SOURCES)[0],
      entityNumber: String(79000 + k),
      programs: '',
      type: 'Individual' as const,
      name: `${last.toUpperCase()}, ${first}`,
      first,
      last,
      altNames: [],
      countries: '',
      addresses: '',
    };
  });
}

const CSL_HEADER =
  '_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids';
const csv = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function watchlistCsv(list: readonly ListedParty[]): string {
  const rows = list.map((p) =>
    [
      p.id,
      p.source,
      p.entityNumber,
      p.type,
      p.programs,
      p.name,
      '',
      p.addresses,
      '',
      '2024-01-01',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      'FICTIONAL evaluation entry',
      '',
      p.altNames.join('; '),
      p.countries,
      '',
      p.countries,
      '',
      '',
      '',
    ]
      .map(csv)
      .join(','),
  );
  return `${CSL_HEADER}\n${rows.join('\n')}\n`;
}

// ── goods ─────────────────────────────────────────────────────────────────────────────────
interface Goods {
  d: string;
  hs: string;
  usd: [number, number];
  kg: [number, number];
}
/** Everyday e-commerce goods, English and Spanish, with look-alikes of risky terms. */
const PARCEL_GOODS: Goods[] = [
  { d: 'Cotton T-shirts', hs: '610910', usd: [8, 40], kg: [0.2, 1.2] },
  { d: 'Playeras de algodón para dama', hs: '610910', usd: [8, 40], kg: [0.2, 1.2] },
  { d: 'Canvas tote bag', hs: '420292', usd: [5, 20], kg: [0.1, 0.5] },
  { d: 'Funda de silicón para celular', hs: '392690', usd: [2, 12], kg: [0.05, 0.3] },
  { d: 'Phone case TPU transparent', hs: '392690', usd: [2, 12], kg: [0.05, 0.3] },
  { d: 'Wireless earbuds Bluetooth 5.3', hs: '851830', usd: [12, 60], kg: [0.1, 0.4] },
  { d: 'Audífonos inalámbricos', hs: '851830', usd: [12, 60], kg: [0.1, 0.4] },
  { d: 'Bluetooth audio receiver for car', hs: '851762', usd: [8, 30], kg: [0.1, 0.3] },
  { d: 'AV receiver 7.2 channel home theater', hs: '851981', usd: [250, 600], kg: [8, 12] },
  { d: 'Receptor de TV satelital', hs: '852871', usd: [25, 90], kg: [0.5, 1.5] },
  { d: 'Printer ink cartridges HP 664 black', hs: '844399', usd: [15, 45], kg: [0.1, 0.4] },
  { d: 'Cartuchos de tinta para impresora Epson', hs: '844399', usd: [15, 45], kg: [0.1, 0.4] },
  { d: 'Water filter cartridge for refrigerator', hs: '842199', usd: [10, 35], kg: [0.3, 0.8] },
  { d: 'Razor blade cartridges 8 pack', hs: '821220', usd: [10, 30], kg: [0.1, 0.3] },
  { d: 'Cartucho para llave mezcladora', hs: '848180', usd: [5, 20], kg: [0.1, 0.3] },
  { d: 'Silenciador de escape para motocicleta', hs: '871410', usd: [30, 120], kg: [1.5, 4] },
  { d: 'Exhaust silencer for motorcycle', hs: '871410', usd: [30, 120], kg: [1.5, 4] },
  { d: 'Diesel jeans hombre slim fit', hs: '620342', usd: [40, 120], kg: [0.5, 1] },
  { d: 'Diesel men watch chronograph', hs: '910211', usd: [80, 250], kg: [0.2, 0.5] },
  { d: 'Pistola de silicón caliente 20W', hs: '851580', usd: [6, 20], kg: [0.2, 0.5] },
  { d: 'Hot glue gun with sticks', hs: '851580', usd: [6, 20], kg: [0.2, 0.5] },
  { d: 'Pistola de agua juguete para niños', hs: '950390', usd: [5, 15], kg: [0.2, 0.6] },
  { d: 'Massage gun percussion deep tissue', hs: '901910', usd: [30, 90], kg: [0.8, 1.5] },
  { d: 'Pistola masajeadora muscular', hs: '901910', usd: [30, 90], kg: [0.8, 1.5] },
  { d: 'Pistola de calor para manualidades', hs: '851680', usd: [10, 30], kg: [0.4, 0.9] },
  { d: 'Black Opium perfume 90 ml', hs: '330300', usd: [60, 140], kg: [0.3, 0.6] },
  { d: 'Face cream with Cannabis Sativa Seed Oil', hs: '330499', usd: [10, 40], kg: [0.1, 0.3] },
  { d: 'Generador a gasolina 3500W', hs: '850220', usd: [250, 450], kg: [40, 55] },
  { d: 'Bomba de gasolina para auto', hs: '841330', usd: [25, 80], kg: [0.6, 1.5] },
  { d: 'Diesel fuel filter for truck', hs: '842123', usd: [10, 40], kg: [0.4, 1.2] },
  { d: 'Butane lighter refill gas', hs: '961390', usd: [4, 10], kg: [0.3, 0.6] },
  { d: 'Ceramic coffee mugs set of 4', hs: '691200', usd: [12, 35], kg: [1.2, 2.5] },
  { d: 'T-shirt with rifle print', hs: '610910', usd: [8, 30], kg: [0.2, 0.5] },
  { d: 'Playera con estampado de pistola', hs: '610910', usd: [8, 30], kg: [0.2, 0.5] },
  { d: 'Pistol and rifle cleaning kit', hs: '960390', usd: [10, 35], kg: [0.3, 0.9] },
  { d: 'Kit de limpieza para pistola y rifle', hs: '960390', usd: [10, 35], kg: [0.3, 0.9] },
  { d: 'Stainless steel kitchen knife set', hs: '821191', usd: [20, 70], kg: [0.8, 2] },
  { d: 'Juego de sartenes antiadherentes', hs: '732393', usd: [25, 80], kg: [2, 5] },
  { d: 'Plush toy teddy bear', hs: '950300', usd: [5, 25], kg: [0.2, 0.8] },
  { d: 'Building blocks toy set', hs: '950300', usd: [10, 50], kg: [0.4, 1.5] },
  { d: 'Children books in Spanish', hs: '490199', usd: [8, 30], kg: [0.3, 1.5] },
  { d: 'Libros de texto', hs: '490199', usd: [8, 30], kg: [0.5, 2] },
  { d: 'Running shoes mesh', hs: '640411', usd: [25, 90], kg: [0.6, 1.2] },
  { d: 'Tenis deportivos para hombre', hs: '640411', usd: [25, 90], kg: [0.6, 1.2] },
  { d: 'Lipstick matte set', hs: '330410', usd: [5, 25], kg: [0.05, 0.2] },
  { d: 'Maquillaje sombras de ojos', hs: '330420', usd: [5, 25], kg: [0.05, 0.3] },
  { d: 'USB-C charging cable 2 m', hs: '854442', usd: [3, 12], kg: [0.05, 0.2] },
  { d: 'Cargador de pared USB 20W', hs: '850440', usd: [5, 20], kg: [0.05, 0.2] },
  { d: 'LED strip lights 5 m RGB', hs: '940542', usd: [8, 25], kg: [0.2, 0.5] },
  { d: 'Smart watch fitness tracker', hs: '851762', usd: [20, 80], kg: [0.1, 0.3] },
  { d: 'Laptop sleeve 15 inch', hs: '420212', usd: [8, 25], kg: [0.2, 0.5] },
  { d: 'Dog collar nylon adjustable', hs: '420100', usd: [4, 15], kg: [0.05, 0.2] },
  { d: 'Yoga mat TPE 6 mm', hs: '392690', usd: [10, 30], kg: [0.8, 1.5] },
  { d: 'Vestido de verano estampado', hs: '620442', usd: [12, 45], kg: [0.2, 0.6] },
  { d: 'Sudadera con capucha unisex', hs: '611020', usd: [15, 45], kg: [0.4, 0.9] },
  { d: 'Car phone holder magnetic', hs: '830230', usd: [4, 15], kg: [0.1, 0.3] },
  { d: 'Auto parts - brake pads front', hs: '870830', usd: [20, 60], kg: [1.5, 3.5] },
  { d: 'Refacciones automotrices - filtro de aceite', hs: '842123', usd: [5, 20], kg: [0.3, 0.8] },
  { d: 'Cordless drill 20V with battery', hs: '846721', usd: [40, 120], kg: [1.5, 3] },
  { d: 'Taladro percutor inalámbrico', hs: '846721', usd: [40, 120], kg: [1.5, 3] },
  { d: 'Vitamin C supplement tablets', hs: '210690', usd: [8, 30], kg: [0.1, 0.4] },
  { d: 'Suplemento de proteína en polvo', hs: '210610', usd: [25, 60], kg: [1, 2.5] },
  { d: 'Hemp rope macrame cord', hs: '560790', usd: [5, 20], kg: [0.3, 1] },
  { d: 'Fishing reel spinning', hs: '950731', usd: [15, 60], kg: [0.3, 0.6] },
  { d: 'Airsoft BB pellets 0.20 g bag', hs: '950390', usd: [5, 15], kg: [0.3, 1] },
  { d: 'Bicycle tire inflator mini pump', hs: '841420', usd: [8, 25], kg: [0.1, 0.3] },
  { d: 'Gift', hs: '', usd: [10, 40], kg: [0.2, 1.5] },
  { d: 'Samples', hs: '', usd: [3, 15], kg: [0.1, 0.5] },
  { d: 'Regalo', hs: '', usd: [10, 40], kg: [0.2, 1.5] },
  { d: 'Documents', hs: '', usd: [0, 0], kg: [0.1, 0.5] },
  { d: 'Documentos', hs: '', usd: [0, 0], kg: [0.1, 0.5] },
  { d: 'Replacement parts for vacuum cleaner', hs: '850870', usd: [10, 35], kg: [0.3, 1] },
  { d: 'Bullet journal dotted notebook', hs: '482010', usd: [6, 18], kg: [0.3, 0.6] },
  { d: 'Rifle Paper Co. greeting cards', hs: '490900', usd: [8, 25], kg: [0.1, 0.3] },
  { d: 'Surge suppressor power strip 6 outlets', hs: '853690', usd: [10, 30], kg: [0.4, 0.9] },
];

/** Air cargo houses and masters: heavier, with volumes. */
const CARGO_GOODS: (Goods & { density: [number, number] })[] = [
  { d: 'AUTO PARTS BRAKE DISCS', hs: '870830', usd: [800, 4000], kg: [150, 900], density: [400, 1200] },
  {
    d: 'TEXTILES COTTON FABRIC ROLLS',
    hs: '520852',
    usd: [1500, 9000],
    kg: [200, 1500],
    density: [250, 600],
  },
  {
    d: 'ELECTRONIC COMPONENTS CAPACITORS',
    hs: '853224',
    usd: [3000, 20000],
    kg: [50, 400],
    density: [150, 400],
  },
  { d: 'MACHINERY SPARE PARTS', hs: '848790', usd: [1000, 8000], kg: [100, 800], density: [300, 1500] },
  { d: 'MEDICAL DEVICES SYRINGES', hs: '901831', usd: [2000, 10000], kg: [100, 600], density: [100, 250] },
  { d: 'FRESH CUT FLOWERS ROSES', hs: '060311', usd: [1000, 6000], kg: [300, 1500], density: [150, 300] },
  { d: 'LAPTOP COMPUTERS', hs: '847130', usd: [20000, 90000], kg: [100, 600], density: [150, 300] },
  { d: 'MOBILE PHONES', hs: '851713', usd: [30000, 150000], kg: [50, 300], density: [150, 300] },
  { d: 'FOOTWEAR SPORT SHOES', hs: '640411', usd: [3000, 15000], kg: [200, 900], density: [120, 250] },
  {
    d: 'REFACCIONES PARA MAQUINARIA AGRICOLA',
    hs: '843390',
    usd: [1000, 7000],
    kg: [150, 900],
    density: [300, 1200],
  },
  {
    d: 'INDUSTRIAL VALVES STAINLESS STEEL',
    hs: '848180',
    usd: [2000, 12000],
    kg: [200, 1000],
    density: [600, 1800],
  },
  {
    d: 'PHARMACEUTICAL TABLETS PARACETAMOL',
    hs: '300490',
    usd: [2000, 15000],
    kg: [100, 500],
    density: [200, 400],
  },
  { d: 'AIRCRAFT PARTS', hs: '880730', usd: [5000, 80000], kg: [20, 400], density: [100, 600] },
  {
    d: 'LUBRICANT GREASE CARTRIDGES 400G',
    hs: '340319',
    usd: [500, 3000],
    kg: [100, 400],
    density: [500, 900],
  },
];

// ── consignments ──────────────────────────────────────────────────────────────────────────
export interface Labelled {
  id: string;
  scenario: string;
  expected: FlagCategory[];
  consignment: Consignment;
}

let counter = 0;
function awb(r: Rng): string {
  const serial7 = Math.floor(between(r, 1_000_000, 9_999_999));
  return `${pick(r, ['020', '057', '001', '139', '180', '406'])}-${serial7}${serial7 % 7}`;
}

function party(name: string, place: { city: string; zip: string }, country: string, r: Rng): Party {
  return {
    name,
    address:
      country === 'MX'
        ? `${pick(r, MX_STREETS)} ${Math.floor(between(r, 1, 999))}`
        : `${Math.floor(between(r, 1, 999))} ${pick(r, ['Industrial Rd', 'Nanshan Ave', 'Main St', 'Commerce Blvd'])}`,
    city: place.city,
    postcode: place.zip,
    countryCode: country,
  };
}

/** A clean e-commerce parcel to a Mexican buyer. */
export function cleanParcel(
  r: Rng,
  overrides: Partial<Consignment> = {},
  g: Goods = pick(r, PARCEL_GOODS),
): Consignment {
  const fromChina = r() < 0.7;
  const origin = fromChina ? pick(r, CN_ORIGINS) : pick(r, US_ORIGINS);
  const dest = pick(r, MX_PLACES);
  const shipperName = fromChina ? cnCompany(r) : r() < 0.8 ? usCompany(r) : usPerson(r);
  const consigneeName = r() < 0.9 ? mxPerson(r) : mxCompany(r);
  const kg = round(between(r, g.kg[0], g.kg[1]), 2);
  const usd = g.usd[1] === 0 ? 0 : round(between(r, g.usd[0], g.usd[1]), 2);
  const mxn = r() < 0.15;
  counter++;
  return {
    kind: 'parcel',
    awb: awb(r),
    hawb: null,
    parcelId: `PX${String(counter).padStart(8, '0')}`,
    origin: origin.airport,
    destination: dest.airport,
    pieces: 1,
    weightKg: Math.max(0.05, kg),
    description: g.d,
    hsCodes: g.hs ? [g.hs] : [],
    shipper: party(shipperName, origin, fromChina ? 'CN' : 'US', r),
    consignee: party(consigneeName, dest, 'MX', r),
    declaredValue: mxn ? { amount: round(usd * 18.2), currency: 'MXN' } : { amount: usd, currency: 'USD' },
    specialHandling: [],
    source: { documentId: 'eval', line: counter },
    ...overrides,
  };
}

/** A clean air cargo house (or master consolidation) with a plausible volume. */
export function cleanCargo(r: Rng, kind: 'house' | 'master' = r() < 0.8 ? 'house' : 'master'): Consignment {
  const origin = r() < 0.6 ? pick(r, CN_ORIGINS) : pick(r, US_ORIGINS);
  const dest = pick(r, MX_PLACES);
  counter++;
  if (kind === 'master') {
    const kg = round(between(r, 800, 6000), 1);
    return {
      kind,
      awb: awb(r),
      hawb: null,
      parcelId: null,
      origin: origin.airport,
      destination: dest.airport,
      pieces: Math.floor(between(r, 20, 300)),
      weightKg: kg,
      volumeM3: round(kg / between(r, 150, 400), 2),
      description: pick(r, [
        'CONSOLIDATION AS PER ATTACHED MANIFEST',
        'CONSOL',
        'CNSL AS PER ATTACHED MANIFEST',
        'CARGA CONSOLIDADA',
      ]),
      hsCodes: [],
      shipper: party(
        `${pick(r, ['Pacific', 'Dragon', 'Aztec', 'Continental'])} Freight Forwarding ${pick(r, CN_SUFFIX)}`,
        origin,
        'CN',
        r,
      ),
      consignee: party(`Agencia Aduanal ${pick(r, MX_WORDS)} ${pick(r, MX_SUFFIX)}`, dest, 'MX', r),
      declaredValue: null,
      specialHandling: ['EAP'],
      source: { documentId: 'eval', line: counter },
    };
  }
  const g = pick(r, CARGO_GOODS);
  const kg = round(between(r, g.kg[0], g.kg[1]), 1);
  return {
    kind,
    awb: awb(r),
    hawb: `HB${String(counter).padStart(7, '0')}`,
    parcelId: null,
    origin: origin.airport,
    destination: dest.airport,
    pieces: Math.floor(between(r, 1, 40)),
    weightKg: kg,
    volumeM3: round(kg / between(r, g.density[0], g.density[1]), 3),
    description: g.d,
    hsCodes: [g.hs],
    shipper: party(r() < 0.5 ? cnCompany(r) : usCompany(r), origin, 'CN', r),
    consignee: party(mxCompany(r), dest, 'MX', r),
    declaredValue: { amount: round(between(r, g.usd[0], g.usd[1])), currency: 'USD' },
    specialHandling: [],
    source: { documentId: 'eval', line: counter },
  };
}

// ── planted risks ─────────────────────────────────────────────────────────────────────────
type Plant = { scenario: string; expected: FlagCategory[]; make: (r: Rng) => Consignment };
const withGoods = (d: string, hs: string[], kg: [number, number], usd: [number, number]) => (r: Rng) =>
  cleanParcel(r, {
    description: d,
    hsCodes: hs,
    weightKg: round(between(r, kg[0], kg[1])),
    declaredValue: { amount: round(between(r, usd[0], usd[1])), currency: 'USD' },
  });

const PLANTS: Plant[] = [
  // Firearms: HS chapter 93 under a bland description, switches as keychains, solvent traps, 80% lowers, ammunition.
  {
    scenario: 'firearms/hs93-steel-parts',
    expected: ['firearms', 'misdeclaration'],
    make: withGoods('Steel parts, hunting', ['930320'], [1, 4], [10, 40]),
  },
  {
    scenario: 'firearms/hs9305-machine-parts',
    expected: ['firearms', 'misdeclaration'],
    make: withGoods('Machine parts', ['930591'], [0.5, 3], [10, 60]),
  },
  {
    scenario: 'firearms/hs9306-es',
    expected: ['firearms', 'misdeclaration'],
    make: withGoods('Refacciones metálicas', ['930630'], [2, 8], [20, 80]),
  },
  {
    scenario: 'firearms/glock-switch-keychain',
    expected: ['firearms'],
    make: withGoods('Metal keychains (Glock switch style)', [], [0.1, 0.4], [5, 15]),
  },
  {
    scenario: 'firearms/glock-switch-es',
    expected: ['firearms'],
    make: withGoods('Llaveros metálicos tipo GLOCK-SWITCH', [], [0.1, 0.4], [5, 15]),
  },
  {
    scenario: 'firearms/auto-sear-hs-mismatch',
    expected: ['firearms', 'misdeclaration'],
    make: withGoods('Drop in auto sear, steel', ['731829'], [0.05, 0.3], [5, 20]),
  },
  {
    scenario: 'firearms/autosear-glued',
    expected: ['firearms'],
    make: withGoods('AUTOSEAR PARTS X10', [], [0.05, 0.3], [5, 20]),
  },
  {
    scenario: 'firearms/solvent-trap-hs-mismatch',
    expected: ['firearms', 'misdeclaration'],
    make: withGoods('Solvent trap kit 1/2x28 with cups', ['842139'], [0.5, 1.5], [30, 90]),
  },
  {
    scenario: 'firearms/solvent-trap-es',
    expected: ['firearms'],
    make: withGoods('Kit de trampa de solvente para limpieza', [], [0.5, 1.5], [30, 90]),
  },
  {
    scenario: 'firearms/pistol-with-cleaning-kit',
    expected: ['firearms'],
    make: withGoods('Glock 19 pistol with cleaning kit', [], [0.8, 1.5], [40, 120]),
  },
  {
    scenario: 'firearms/rifle-free-tshirt-hs-mismatch',
    expected: ['firearms', 'misdeclaration'],
    make: withGoods('AR-15 rifle, free t-shirt included', ['610910'], [2, 4], [40, 120]),
  },
  {
    scenario: 'firearms/pistola-con-playera-es',
    expected: ['firearms'],
    make: withGoods('Pistola Glock con playera de regalo', [], [0.8, 1.5], [40, 120]),
  },
  {
    scenario: 'firearms/80-lower',
    expected: ['firearms'],
    make: withGoods('80% Lower receiver AR-15 jig kit', [], [0.5, 1.5], [60, 150]),
  },
  {
    scenario: 'firearms/ammunition-split-line',
    expected: ['firearms'],
    make: withGoods('AMMUNI-\nTION 9MM 50 RDS', [], [1, 3], [20, 60]),
  },
  {
    scenario: 'firearms/municiones',
    expected: ['firearms'],
    make: withGoods('Municiones calibre 9mm', [], [1, 5], [20, 80]),
  },
  {
    scenario: 'firearms/cartuchos',
    expected: ['firearms'],
    make: withGoods('Cartuchos calibre .22 LR caja de 500', [], [2, 5], [30, 80]),
  },
  {
    scenario: 'firearms/silenciador',
    expected: ['firearms'],
    make: withGoods('Silenciador para rifle calibre 22', [], [0.4, 1], [40, 120]),
  },
  {
    scenario: 'firearms/suppressor',
    expected: ['firearms'],
    make: withGoods('Suppressor baffle stack', [], [0.3, 1], [40, 120]),
  },
  {
    scenario: 'firearms/pistol-slides',
    expected: ['firearms'],
    make: withGoods('Gun parts - pistol slides', [], [0.5, 2], [50, 200]),
  },
  {
    scenario: 'firearms/pistola',
    expected: ['firearms'],
    make: withGoods('Pistola 9 mm con cargador', [], [0.8, 1.5], [200, 600]),
  },
  // Precursors: names, systematic names, Spanish, CAS numbers, HS 2933.3x.
  {
    scenario: 'precursors/4-piperidone',
    expected: ['precursors'],
    make: withGoods('4-Piperidone hydrochloride monohydrate', ['293339'], [1, 25], [40, 400]),
  },
  {
    scenario: 'precursors/boc-4-piperidone-es',
    expected: ['precursors'],
    make: withGoods('1-Boc-4-piperidona 98%', [], [1, 25], [40, 400]),
  },
  {
    scenario: 'precursors/4-ap-systematic',
    expected: ['precursors'],
    make: withGoods('N-Phenylpiperidin-4-amine, 99% purity', [], [1, 10], [40, 400]),
  },
  {
    scenario: 'precursors/4-anilinopiperidine',
    expected: ['precursors'],
    make: withGoods('4-ANILINOPIPERIDINE dihydrochloride', [], [1, 10], [40, 400]),
  },
  {
    scenario: 'precursors/boc-4-ap-systematic',
    expected: ['precursors'],
    make: withGoods('tert-Butyl 4-(phenylamino)piperidine-1-carboxylate', [], [1, 10], [40, 400]),
  },
  {
    scenario: 'precursors/npp',
    expected: ['precursors'],
    make: withGoods('NPP powder for research', [], [1, 10], [40, 400]),
  },
  {
    scenario: 'precursors/anpp-hs',
    expected: ['precursors'],
    make: withGoods('ANPP', ['293336'], [1, 10], [40, 400]),
  },
  {
    scenario: 'precursors/norfentanyl',
    expected: ['precursors'],
    make: withGoods('Norfentanyl reference standard', [], [0.1, 1], [40, 400]),
  },
  {
    scenario: 'precursors/cas-boc-piperidone',
    expected: ['precursors'],
    make: withGoods('Reactivo químico CAS 79099-07-3', [], [1, 25], [40, 400]),
  },
  {
    scenario: 'precursors/cas-npp-bland',
    expected: ['precursors', 'misdeclaration'],
    make: withGoods('Organic intermediate CAS No. 39742-60-4', ['291229'], [1, 25], [40, 400]),
  },
  {
    scenario: 'precursors/hs-only-vague',
    expected: ['precursors', 'misdeclaration'],
    make: withGoods('Pharmaceutical intermediate', ['293337'], [1, 25], [40, 400]),
  },
  {
    scenario: 'precursors/ephedrine-es',
    expected: ['precursors'],
    make: withGoods('Efedrina clorhidrato polvo', [], [1, 10], [40, 400]),
  },
  // Narcotics.
  {
    scenario: 'narcotics/fentanyl',
    expected: ['narcotics'],
    make: withGoods('Fentanyl citrate powder', [], [0.1, 1], [20, 200]),
  },
  {
    scenario: 'narcotics/fentanilo-es',
    expected: ['narcotics'],
    make: withGoods('Fentanilo en polvo', [], [0.1, 1], [20, 200]),
  },
  {
    scenario: 'narcotics/m30',
    expected: ['narcotics'],
    make: withGoods('Blue M30 pills x500', [], [0.1, 0.5], [20, 200]),
  },
  {
    scenario: 'narcotics/pill-press',
    expected: ['narcotics'],
    make: withGoods('TDP-5 tablet press machine', ['847930'], [30, 60], [300, 900]),
  },
  {
    scenario: 'narcotics/prensa-es',
    expected: ['narcotics'],
    make: withGoods('Prensa para pastillas manual', [], [5, 20], [100, 400]),
  },
  {
    scenario: 'narcotics/tramadol',
    expected: ['narcotics'],
    make: withGoods('Tramadol 100 mg tablets', ['300490'], [0.2, 1], [20, 100]),
  },
  {
    scenario: 'narcotics/xylazine-cas',
    expected: ['narcotics'],
    make: withGoods('Xilacina clorhidrato (CAS 7361-61-7)', [], [0.2, 2], [20, 200]),
  },
  {
    scenario: 'narcotics/thc-vape',
    expected: ['narcotics'],
    make: withGoods('THC vape cartridges 1 ml', [], [0.2, 1], [20, 200]),
  },
  {
    scenario: 'narcotics/cocaina-hs',
    expected: ['narcotics'],
    make: withGoods('Cocaína', ['293971'], [0.5, 2], [20, 200]),
  },
  // Fuel.
  {
    scenario: 'fuel/gasolina',
    expected: ['fuel'],
    make: withGoods('Gasolina premium 20 litros', ['271012'], [15, 20], [20, 40]),
  },
  {
    scenario: 'fuel/diesel',
    expected: ['fuel'],
    make: withGoods('Diésel automotriz', [], [150, 900], [900, 1500]),
  },
  {
    scenario: 'fuel/turbosina',
    expected: ['fuel'],
    make: withGoods('Turbosina Jet A-1', ['271019'], [150, 900], [900, 1500]),
  },
  {
    scenario: 'fuel/additive-es',
    expected: ['fuel'],
    make: withGoods('Aditivo para gasolina mejorador de octanaje', ['381111'], [5, 30], [20, 90]),
  },
  {
    scenario: 'fuel/octane-booster',
    expected: ['fuel', 'misdeclaration'],
    make: withGoods('Octane booster 16 oz bottles', ['340290'], [5, 30], [20, 90]),
  },
  {
    scenario: 'fuel/lubricant-bulk',
    expected: ['fuel'],
    make: withGoods('Aceite lubricante a granel', ['340319'], [400, 2000], [2000, 6000]),
  },
  {
    scenario: 'fuel/hs-only',
    expected: ['fuel', 'misdeclaration'],
    make: withGoods('Mineral products', ['271019'], [200, 900], [900, 2000]),
  },
  {
    scenario: 'fuel/gas-lp',
    expected: ['fuel'],
    make: withGoods('Gas LP cilindro 30 kg', ['271112'], [30, 45], [30, 60]),
  },
  // Misdeclaration and anomalies.
  {
    scenario: 'misdeclaration/vague-heavy',
    expected: ['misdeclaration'],
    make: withGoods('Gift', [], [30, 60], [20, 60]),
  },
  {
    scenario: 'misdeclaration/vague-heavy-es',
    expected: ['misdeclaration'],
    make: withGoods('Mercancía general', [], [30, 60], [20, 60]),
  },
  {
    scenario: 'misdeclaration/vague-parts-heavy',
    expected: ['misdeclaration'],
    make: withGoods('Parts', [], [28, 60], [30, 90]),
  },
  {
    scenario: 'misdeclaration/vague-zero-value',
    expected: ['misdeclaration'],
    make: withGoods('Samples', [], [1, 5], [0, 1]),
  },
  {
    scenario: 'misdeclaration/vague-accessories-low',
    expected: ['misdeclaration'],
    make: withGoods('Accessories', [], [2, 8], [0.5, 1.8]),
  },
  {
    scenario: 'misdeclaration/value-per-kg-low',
    expected: ['misdeclaration'],
    make: withGoods('Laptop computers', ['847130'], [10, 20], [1, 4]),
  },
  {
    scenario: 'misdeclaration/zero-value-heavy',
    expected: ['misdeclaration'],
    make: withGoods('Ceramic floor tiles', ['690721'], [40, 80], [0, 0]),
  },
  {
    scenario: 'misdeclaration/density-too-high',
    expected: ['misdeclaration'],
    make: (r) => ({
      ...cleanCargo(r, 'house'),
      description: 'TEXTILES COTTON FABRIC ROLLS',
      hsCodes: ['520852'],
      weightKg: 4800,
      volumeM3: 0.5,
    }),
  },
  {
    scenario: 'misdeclaration/density-too-low',
    expected: ['misdeclaration'],
    make: (r) => ({
      ...cleanCargo(r, 'house'),
      description: 'MACHINERY SPARE PARTS',
      hsCodes: ['848790'],
      weightKg: 20,
      volumeM3: 6,
    }),
  },
];

/** Variants of a listed name as a filer might write it. */
export function nameVariant(p: ListedParty, r: Rng): { name: string; how: string } {
  const strip = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');
  const options: { name: string; how: string }[] = [];
  if (p.type === 'Individual' && p.first && p.last) {
    options.push({ name: `${p.first} ${p.last}`, how: 'natural-order' });
    options.push({ name: strip(`${p.first} ${p.last}`).toUpperCase(), how: 'upper-no-accents' });
    options.push({ name: `${p.last}, ${p.first}`, how: 'last-first' });
    options.push({ name: `${p.last.toUpperCase()} ${p.first.toUpperCase()}`, how: 'reordered-no-comma' });
    const typo = `${p.first} ${p.last}`.replace(/([aeiou])(?=[^aeiou]*$)/, (v) => (v === 'a' ? 'e' : 'a'));
    options.push({ name: typo, how: 'typo' });
    // Dropping the second surname keeps enough to match only when three name parts remain
    // ("Juan Carlos Torres"); "Mateo Mendoza" for "MENDOZA RUIZ, Mateo" scores 0.87, below 0.9, by design.
    if (p.last.includes(' ') && p.first.includes(' '))
      options.push({ name: `${p.first} ${p.last.split(' ')[0]}`, how: 'one-surname' });
  } else {
    options.push({ name: p.name, how: 'as-listed' });
    options.push({ name: strip(p.name).toUpperCase(), how: 'upper-no-accents' });
    options.push({
      name: p.name
        .replace(/S\.A\. de C\.V\.|SA de CV|SA DE CV/, () =>
          pick(r, ['SA DE CV', 'S.A. DE C.V.', 'S.A. de C.V.']),
        )
        .replace(/Co\., Ltd\./, () => pick(r, ['Company Limited', 'CO LTD', 'Co. Ltd'])),
      how: 'legal-suffix',
    });
  }
  for (const alt of p.altNames) options.push({ name: alt, how: 'alt-name' });
  return pick(r, options);
}

export interface EvalSet {
  consignments: Labelled[];
  watchlist: ListedParty[];
}

export function generateEvalSet(
  options: { seed?: number; clean?: number; watchlist?: number; plantRepeats?: number } = {},
): EvalSet {
  const r = rng(options.seed ?? SEED);
  counter = 0;
  // Plants are drawn from the generated list; the persons with middle names are listed too.
  const watchlist = generateWatchlist(r, options.watchlist ?? 2000);
  const listed = [...watchlist, ...withMiddleNames()];
  // Token order does not matter to the matcher: a clean name that is a permutation of a listed one is a hit by design.
  const tokenSet = (n: string) => foldText(reorderLastFirst(n)).split(' ').sort().join(' ');
  const listedNames = new Set(listed.flatMap((p) => [p.name, ...p.altNames]).map(tokenSet));
  const isListed = (c: Consignment) =>
    listedNames.has(tokenSet(c.consignee!.name)) || listedNames.has(tokenSet(c.shipper!.name));
  /** A consignment of `make` whose parties are not listed (drawn again until so). */
  const unlisted = (make: (r: Rng) => Consignment) => {
    let c = make(r);
    while (isListed(c)) c = make(r);
    return c;
  };
  const out: Labelled[] = [];
  const add = (scenario: string, expected: FlagCategory[], c: Consignment) => {
    const parsed = ConsignmentSchema.parse(c); // generated data must be canonical
    out.push({ id: `E${String(out.length + 1).padStart(5, '0')}`, scenario, expected, consignment: parsed });
  };
  const clean = options.clean ?? 3000;
  // Clean traffic: 85 % parcels, 15 % cargo; repeat buyers get two or three parcels.
  for (let i = 0; i < clean; i++) {
    let c = r() < 0.85 ? cleanParcel(r) : cleanCargo(r);
    // A clean party that happens to be listed would be a true hit: draw again.
    while (isListed(c)) c = cleanParcel(r);
    add(`clean/${c.kind}`, [], c);
    if (c.kind === 'parcel' && r() < 0.1) {
      const again = 1 + Math.floor(r() * 2);
      for (let k = 0; k < again && i < clean - 1; k++, i++)
        add('clean/repeat-buyer', [], cleanParcel(r, { consignee: c.consignee }));
    }
  }
  const repeats = options.plantRepeats ?? 3;
  for (let k = 0; k < repeats; k++)
    for (const p of PLANTS) {
      let c = p.make(r);
      // As above: a party of a planted commodity risk that happens to be listed is a second risk.
      while (!p.expected.includes('denied-party') && isListed(c)) c = p.make(r);
      add(p.scenario, p.expected, c);
    }
  // Denied parties: listed consignees and shippers of ordinary goods, written in many ways.
  for (let k = 0; k < 60; k++) {
    const listed = pick(r, watchlist);
    const v = nameVariant(listed, r);
    const asShipper = r() < 0.3;
    const c = cleanParcel(r);
    const p = { ...(asShipper ? c.shipper! : c.consignee!), name: v.name };
    add(
      `denied-party/${asShipper ? 'shipper' : 'consignee'}/${v.how}`,
      ['denied-party'],
      asShipper ? { ...c, shipper: p } : { ...c, consignee: p },
    );
  }
  // Splitting: eight low-value parcels to one buyer in one day, each ordinary.
  for (let k = 0; k < 4; k++) {
    const buyer = cleanParcel(r).consignee!;
    for (let j = 0; j < 8; j++)
      add('misdeclaration/splitting', ['misdeclaration'], cleanParcel(r, { consignee: buyer }));
  }
  // Two signals at once: a listed consignee receiving ammunition.
  for (let k = 0; k < 5; k++) {
    const listed = pick(
      r,
      watchlist.filter((p) => p.type === 'Individual' && p.countries === 'MX'),
    );
    const c = withGoods('Municiones calibre 38 especial', [], [1, 4], [20, 80])(r);
    add('combined/denied-party-ammunition', ['denied-party', 'firearms'], {
      ...c,
      consignee: { ...c.consignee!, name: nameVariant(listed, r).name },
    });
  }
  // Disguised text (shared/screening/latin.ts): look-alike letters from other scripts, invisible
  // characters, decomposed accents. Drawn last, so that the rest of the set stays as it was.
  for (const [scenario, expected, description, hs] of DISGUISED)
    add(scenario, expected, withGoods(disguise(description, r), hs, [0.5, 3], [10, 60])(r));
  for (let k = 0; k < 10; k++) {
    const listed = pick(r, watchlist);
    const c = cleanParcel(r);
    add('denied-party/consignee/disguised', ['denied-party'], {
      ...c,
      consignee: { ...c.consignee!, name: disguise(nameVariant(listed, r).name, r) },
    });
  }
  // Digits and symbols for letters (shared/screening/lookalike-digits.ts), drawn after the rest.
  for (const [scenario, expected, description, hs] of DIGIT_DISGUISED) {
    add(scenario, expected, unlisted(withGoods(description, hs, [0.5, 3], [10, 60])));
  }
  // A listed person named by the given names and the first surname alone ("Rigoberto
  // Quintero"), where the list does not give that form as an alt name; drawn last too.
  const twoSurnames = watchlist.filter(
    (p) =>
      p.type === 'Individual' &&
      p.last?.includes(' ') &&
      !p.altNames.includes(`${p.first} ${p.last.split(' ')[0]}`),
  );
  for (let k = 0; k < 6; k++) {
    const listed = pick(r, twoSurnames);
    const name = `${listed.first} ${listed.last!.split(' ')[0]}`;
    const c = cleanParcel(r);
    add('denied-party/consignee/first-surname-only', ['denied-party'], {
      ...c,
      consignee: { ...c.consignee!, name: k % 2 === 0 ? name : foldText(name) },
    });
  }
  // A listed name with digits typed for some of its letters ("Rigob3rto"), drawn last too.
  for (let k = 0; k < 4; k++) {
    const listed = pick(r, watchlist);
    const c = cleanParcel(r);
    add('denied-party/consignee/digits-for-letters', ['denied-party'], {
      ...c,
      consignee: { ...c.consignee!, name: digitsFor(nameVariant(listed, r).name, r) },
    });
  }
  // A listed person named without the middle name ("Bradley Holloway" for "HOLLOWAY, Bradley
  // James"; with two surnames the whole-name similarity finds it already); drawn last too.
  const middleNames = listed.filter((p) => p.id.startsWith('eval-mid-'));
  for (let k = 0; k < 6; k++) {
    const listed = pick(r, middleNames);
    const name = `${listed.first!.split(' ')[0]} ${listed.last}`;
    const c = cleanParcel(r);
    add('denied-party/consignee/without-middle-name', ['denied-party'], {
      ...c,
      consignee: { ...c.consignee!, name: k % 2 === 0 ? name : name.toUpperCase() },
    });
  }
  for (let k = 0; k < repeats; k++)
    for (const g of CLEAN_IN_CLAUSES)
      add(
        'clean/parcel',
        [],
        unlisted((r) => cleanParcel(r, {}, g)),
      );
  for (let k = 0; k < repeats; k++)
    for (const p of PLANTS_BESIDE_OTHER_GOODS) add(p.scenario, p.expected, unlisted(p.make));
  return { consignments: out, watchlist: listed };
}

/**
 * Look-alikes qualified in a clause of their own, or named after the goods they belong to (rule
 * set 1.4.0): clean, drawn after the rest of the set, so that it stays as it was.
 */
const CLEAN_IN_CLAUSES: Goods[] = [
  { d: 'Cartuchos, tinta negra, HP 664', hs: '844399', usd: [15, 45], kg: [0.1, 0.4] },
  { d: 'Cartuchos, Canon PG-245 negro', hs: '844399', usd: [15, 45], kg: [0.1, 0.4] },
  { d: 'Hidrolavadora eléctrica 1800W, pistola, manguera', hs: '842430', usd: [60, 160], kg: [5, 9] },
  { d: 'Motosierra 52 cc, gasolina', hs: '846722', usd: [90, 220], kg: [5, 8] },
  { d: 'Pistola de agua, juguete para niños, color azul', hs: '950390', usd: [5, 15], kg: [0.2, 0.6] },
  { d: 'Jeans, Diesel, slim fit', hs: '620342', usd: [40, 120], kg: [0.5, 1] },
  { d: 'Receiver, Bluetooth audio, for car', hs: '851762', usd: [8, 30], kg: [0.1, 0.3] },
  { d: 'Pistola de pintura HVLP 400W con boquillas para pintura', hs: '842420', usd: [25, 70], kg: [1, 2] },
];

/**
 * Other goods named beside a commodity risk, whose words clear look-alikes in their own clause
 * (rule set 1.4.0): drawn after the rest of the set, so that it stays as it was.
 */
const PLANTS_BESIDE_OTHER_GOODS: Plant[] = [
  {
    scenario: 'firearms/pistol-and-water-bottle',
    expected: ['firearms'],
    make: withGoods('Glock 19 pistol, water bottle', [], [0.8, 1.5], [40, 120]),
  },
  {
    scenario: 'firearms/pistola-y-botella-de-agua-es',
    expected: ['firearms'],
    make: withGoods('Pistola Beretta 92 y botella de agua', [], [0.8, 1.5], [40, 120]),
  },
  {
    scenario: 'firearms/rifle-paint-roller',
    expected: ['firearms'],
    make: withGoods('Rifle, paint roller and brushes', [], [3, 5], [40, 120]),
  },
  {
    scenario: 'firearms/municiones-collar-es',
    expected: ['firearms'],
    make: withGoods('Municiones, collar de plata', [], [1, 3], [20, 60]),
  },
  {
    scenario: 'firearms/ammo-candy',
    expected: ['firearms'],
    make: withGoods('Ammo, chocolate candy bars', [], [1, 3], [20, 60]),
  },
  {
    scenario: 'firearms/pistol-and-water-b0ttle',
    expected: ['firearms'],
    make: withGoods('Glock 19 pistol, water b0ttle', [], [0.8, 1.5], [40, 120]),
  },
  {
    scenario: 'firearms/botella-de-agua-y-pistola-es',
    expected: ['firearms'],
    make: withGoods('Botella de agua y pistola', [], [0.8, 1.5], [40, 120]),
  },
  {
    scenario: 'firearms/pistola-pegamento-es',
    expected: ['firearms'],
    make: withGoods('Pistola Glock, pegamento', [], [0.8, 1.5], [40, 120]),
  },
  {
    scenario: 'fuel/gasolina-filtro-es',
    expected: ['fuel'],
    make: withGoods('Gasolina 20 litros, filtro de aire', [], [15, 20], [20, 40]),
  },
];

/** Terms spelt with look-alike digits and symbols, as written ("AMM0", "FentanyI"). */
const DIGIT_DISGUISED: [string, FlagCategory[], string, string[]][] = [
  ['firearms/digit-disguised', ['firearms'], 'AMM0 9mm, 50 r0unds', []],
  ['firearms/digit-disguised-es', ['firearms'], 'Si1enciador para rifle', []],
  ['precursors/digit-disguised', ['precursors'], 'Ps3udoephedrine HCl 5kg', []],
  ['narcotics/digit-disguised', ['narcotics'], 'FentanyI citrate powder', []],
  ['narcotics/digit-disguised-es', ['narcotics'], 'C0ca1na en polvo', []],
  ['fuel/digit-disguised-es', ['fuel'], 'Gas0lina en bidones', []],
];

const DISGUISED: [string, FlagCategory[], string, string[]][] = [
  ['firearms/disguised', ['firearms'], 'Ammunition 9mm, 50 rounds', []],
  ['firearms/disguised-es', ['firearms'], 'Silenciador para rifle', []],
  ['precursors/disguised', ['precursors'], 'N-phenylpiperidin-4-amine 5kg', []],
  ['narcotics/disguised', ['narcotics'], 'Fentanyl citrate powder', []],
  ['fuel/disguised-es', ['fuel'], 'Aditivo para gasolina', []],
];

/**
 * Two of the o, e, a and s of a longer word typed as 0, 3, 4 and 5 ("R1g0b3rto"): two edits, which
 * the fuzzy match of a word alone does not reach.
 */
function digitsFor(text: string, r: Rng): string {
  const digit: Record<string, string> = { o: '0', e: '3', a: '4', s: '5', O: '0', E: '3', A: '4', S: '5' };
  const words = text.split(' ');
  const long = words.flatMap((w, i) =>
    [...w].filter((ch) => digit[ch]).length >= 2 && w.length >= 6 ? [i] : [],
  );
  if (long.length === 0) return text;
  const w = pick(r, long);
  const letters = [...words[w]!];
  const at = letters.flatMap((ch, i) => (digit[ch] ? [i] : []));
  const first = Math.floor(r() * (at.length - 1));
  for (const i of [at[first]!, at[first + 1]!]) letters[i] = digit[letters[i]!]!;
  words[w] = letters.join('');
  return words.join(' ');
}

/** Latin letters → look-alikes from Cyrillic (а е о р с х у і) and Greek (Α Β Ε Κ Μ Ο Τ). */
const LOOK_ALIKES: Record<string, string> = {
  a: 'а',
  e: 'е',
  o: 'о',
  p: 'р',
  c: 'с',
  x: 'х',
  y: 'у',
  i: 'і',
  A: 'Α',
  B: 'Β',
  E: 'Ε',
  K: 'Κ',
  M: 'Μ',
  O: 'Ο',
  T: 'Τ',
};

/**
 * The text as an evader writes it, reading the same to a person: some letters swapped for
 * look-alikes (at least one), and either a zero-width space inside a word or accents decomposed.
 */
function disguise(text: string, r: Rng): string {
  const letters = [...text];
  const swappable = letters.flatMap((ch, i) => (LOOK_ALIKES[ch] ? [i] : []));
  const first = pick(r, swappable);
  const out = letters.map((ch, i) => (i === first || (LOOK_ALIKES[ch] && r() < 0.3) ? LOOK_ALIKES[ch]! : ch));
  if (r() < 0.5) return out.join('').normalize('NFD');
  const words = out.join('').split(' ');
  const w = Math.floor(r() * words.length);
  const cut = Math.max(1, Math.floor(words[w]!.length / 2));
  words[w] = `${words[w]!.slice(0, cut)}\u200B${words[w]!.slice(cut)}`;
  return words.join(' ');
}

const PARCEL_CSV_HEADER =
  'MawbNr,BoxID,ParcelID,ReferenceID,ShipperName,ShipperStreet,ShipperZip,ShipperCity,ShipperCountry,BuyerName,BuyerStreet,BuyerZip,BuyerCity,BuyerCountry,NumberOfPieces,Quantity,TotalWeight,ItemHSCode,SKU,GoodsDescription,InvoiceDate,InvoiceNumber,Currency,TotalValue,UnitPrice,ProductWeight,CountryOfOrigin';

/** A parcel CSV (the e-commerce layout) with clean rows and one planted risk per parcel scenario, for the CLI demo. */
export function demoParcelsCsv(set: EvalSet): string {
  const parcels = set.consignments.filter((l) => l.consignment.kind === 'parcel');
  const chosen: Labelled[] = [...parcels.filter((l) => l.expected.length === 0).slice(0, 30)];
  const seen = new Set<string>();
  for (const l of parcels) {
    if (l.expected.length === 0 || seen.has(l.scenario.split('/').slice(0, 2).join('/'))) continue;
    if (l.scenario === 'misdeclaration/splitting') continue;
    seen.add(l.scenario.split('/').slice(0, 2).join('/'));
    chosen.push(l);
  }
  chosen.push(...parcels.filter((l) => l.scenario === 'misdeclaration/splitting').slice(0, 8));
  const mawb = '020-12345675';
  const rows = chosen.map((l, i) => {
    const c = l.consignment;
    const s = c.shipper!;
    const b = c.consignee!;
    const v = c.declaredValue ?? { amount: 0, currency: 'USD' };
    return [
      mawb,
      `BOX${1 + Math.floor(i / 10)}`,
      c.parcelId!,
      `ORD-${i + 1}`,
      s.name,
      s.address ?? '',
      s.postcode ?? '',
      s.city ?? '',
      s.countryCode ?? '',
      b.name,
      b.address ?? '',
      b.postcode ?? '',
      b.city ?? '',
      b.countryCode ?? '',
      '1',
      '1',
      String(c.weightKg),
      c.hsCodes[0] ?? '',
      `SKU-${i + 1}`,
      c.description,
      '2026-11-01',
      `INV-${i + 1}`,
      v.currency,
      v.amount.toFixed(2),
      v.amount.toFixed(2),
      String(c.weightKg),
      s.countryCode ?? '',
    ]
      .map(csv)
      .join(',');
  });
  return `${PARCEL_CSV_HEADER}\n${rows.join('\n')}\n`;
}

export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data');

async function main(): Promise<void> {
  const set = generateEvalSet();
  await mkdir(DATA_DIR, { recursive: true });
  await writeFile(
    join(DATA_DIR, 'consignments.jsonl'),
    `${set.consignments.map((l) => JSON.stringify(l)).join('\n')}\n`,
  );
  await writeFile(join(DATA_DIR, 'watchlist.csv'), watchlistCsv(set.watchlist));
  await writeFile(join(DATA_DIR, 'demo-parcels.csv'), demoParcelsCsv(set));
  const risky = set.consignments.filter((l) => l.expected.length > 0).length;
  process.stdout.write(
    `wrote ${set.consignments.length} consignments (${set.consignments.length - risky} clean, ${risky} planted) and a ${set.watchlist.length}-entry watchlist to ${DATA_DIR}\n`,
  );
}

// Run as a script only: a bundle that includes this module (the benchmark's) has the bundle's
// own URL here, which is also argv[1], so the file name is checked too.
const self = fileURLToPath(import.meta.url);
if (process.argv[1] && self === process.argv[1] && /generate\.[cm]?[jt]s$/.test(self)) await main();
