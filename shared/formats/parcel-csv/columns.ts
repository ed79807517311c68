/**
 * Header synonyms for parcel manifests. Keys are canonical column names; values are header
 * spellings after folding (lower case, accents and non-alphanumerics removed). The base layout is
 * the e-commerce one in shared/domain.md; the rest are variants seen from couriers and posts.
 * Per-carrier profiles (config/carrier-profiles.json) cover layouts these do not.
 */
export const COLUMN_SYNONYMS = {
  mawb: [
    'mawbnr',
    'mawb',
    'mawbnumber',
    'masterawb',
    'masterawbnumber',
    'awb',
    'awbnumber',
    'masterwaybill',
    'guiamaster',
  ],
  boxId: ['boxid', 'box', 'bagid', 'bag', 'sackid', 'receptacleid'],
  parcelId: [
    'parcelid',
    'parcel',
    'parcelnumber',
    'parcelno',
    'trackingnumber',
    'tracking',
    'trackingno',
    'itemid',
    'shipmentid',
    'hawb',
    'housewaybill',
    'guia',
    'numeroguia',
    'barcode',
  ],
  referenceId: ['referenceid', 'reference', 'ref', 'orderid', 'ordernumber', 'referencia'],
  shipperName: [
    'shippername',
    'sendername',
    'consignorname',
    'shipper',
    'sender',
    'consignor',
    'remitente',
    'nombreremitente',
    'exportername',
  ],
  shipperStreet: [
    'shipperstreet',
    'shipperaddress',
    'senderstreet',
    'senderaddress',
    'consignoraddress',
    'consignorstreet',
    'direccionremitente',
  ],
  shipperZip: [
    'shipperzip',
    'shipperpostcode',
    'shipperpostalcode',
    'senderzip',
    'senderpostcode',
    'senderpostalcode',
    'consignorpostcode',
  ],
  shipperCity: ['shippercity', 'sendercity', 'consignorcity', 'ciudadremitente'],
  shipperCountry: [
    'shippercountry',
    'sendercountry',
    'consignorcountry',
    'shippercountrycode',
    'sendercountrycode',
    'paisremitente',
  ],
  consigneeName: [
    'buyername',
    'consigneename',
    'receivername',
    'recipientname',
    'addresseename',
    'consignee',
    'receiver',
    'recipient',
    'buyer',
    'addressee',
    'destinatario',
    'nombredestinatario',
    'importername',
  ],
  consigneeStreet: [
    'buyerstreet',
    'buyeraddress',
    'consigneestreet',
    'consigneeaddress',
    'receiverstreet',
    'receiveraddress',
    'recipientstreet',
    'recipientaddress',
    'addresseeaddress',
    'direcciondestinatario',
  ],
  consigneeZip: [
    'buyerzip',
    'buyerpostcode',
    'buyerpostalcode',
    'consigneezip',
    'consigneepostcode',
    'consigneepostalcode',
    'receiverzip',
    'receiverpostcode',
    'recipientzip',
    'recipientpostcode',
    'codigopostal',
  ],
  consigneeCity: [
    'buyercity',
    'consigneecity',
    'receivercity',
    'recipientcity',
    'addresseecity',
    'ciudaddestinatario',
  ],
  consigneeCountry: [
    'buyercountry',
    'consigneecountry',
    'receivercountry',
    'recipientcountry',
    'buyercountrycode',
    'consigneecountrycode',
    'addresseecountry',
    'paisdestinatario',
  ],
  pieces: ['numberofpieces', 'pieces', 'pcs', 'piececount', 'noofpieces', 'piezas', 'bultos'],
  quantity: ['quantity', 'qty', 'itemquantity', 'cantidad'],
  weight: [
    'totalweight',
    'grossweight',
    'weight',
    'weightkg',
    'parcelweight',
    'peso',
    'pesobruto',
    'totalweightkg',
  ],
  weightUnit: ['weightunit', 'weightuom', 'uom', 'unidadpeso'],
  hsCode: [
    'itemhscode',
    'hscode',
    'hs',
    'hstariffnumber',
    'tariffcode',
    'tariffnumber',
    'htscode',
    'hts',
    'fraccionarancelaria',
    'codigoarancelario',
  ],
  sku: ['sku', 'itemsku', 'productcode'],
  description: [
    'goodsdescription',
    'description',
    'itemdescription',
    'contents',
    'productdescription',
    'natureofgoods',
    'descripcion',
    'descripciondemercancia',
    'mercancia',
  ],
  invoiceDate: ['invoicedate', 'fechafactura'],
  invoiceNumber: ['invoicenumber', 'invoiceno', 'invoice', 'factura'],
  currency: ['currency', 'currencycode', 'moneda'],
  totalValue: [
    'totalvalue',
    'value',
    'declaredvalue',
    'itemvalue',
    'customsvalue',
    'valor',
    'valordeclarado',
  ],
  unitPrice: ['unitprice', 'price', 'itemprice', 'preciounitario'],
  productWeight: ['productweight', 'itemweight', 'netweight', 'pesoneto'],
  countryOfOrigin: ['countryoforigin', 'origincountry', 'coo', 'madein', 'paisorigen'],
  origin: ['origin', 'originairport', 'departureairport', 'portofloading', 'org'],
  destination: ['destination', 'destinationairport', 'arrivalairport', 'portofunloading', 'dest', 'dst'],
} as const;

export type Column = keyof typeof COLUMN_SYNONYMS;

export function foldHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const LOOKUP = new Map<string, Column>();
for (const [column, names] of Object.entries(COLUMN_SYNONYMS) as [Column, readonly string[]][])
  for (const name of names) LOOKUP.set(name, column);

/**
 * Maps header cells to canonical columns: a carrier profile first (header → column, exact or
 * folded), then the synonyms. Unmapped headers map to undefined.
 */
export function mapHeader(headers: string[], profile?: Record<string, string>): (Column | undefined)[] {
  const folded = profile
    ? new Map(Object.entries(profile).map(([k, v]) => [foldHeader(k), v as Column]))
    : undefined;
  const used = new Set<Column>();
  return headers.map((h) => {
    const f = foldHeader(h);
    const column = folded?.get(f) ?? LOOKUP.get(f);
    if (!column || used.has(column)) return undefined;
    used.add(column);
    return column;
  });
}

export function isColumn(name: string): name is Column {
  return Object.prototype.hasOwnProperty.call(COLUMN_SYNONYMS, name);
}
