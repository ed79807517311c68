import { z } from 'zod';

/**
 * The canonical consignment: every format reader produces this shape (public contract, issue 2).
 * Field names are used outside the code (CLI JSON, API, review console): extend, never rename.
 */

export const CONSIGNMENT_KINDS = ['master', 'house', 'parcel'] as const;
export type ConsignmentKind = (typeof CONSIGNMENT_KINDS)[number];

export const PartySchema = z.object({
  name: z.string().min(1),
  address: z.string().nullable(),
  city: z.string().nullable(),
  postcode: z.string().nullable(),
  countryCode: z.string().length(2).nullable(),
});
export type Party = z.infer<typeof PartySchema>;

export const MoneySchema = z.object({
  amount: z.number().nonnegative(),
  currency: z.string().length(3),
});
export type Money = z.infer<typeof MoneySchema>;

export const SourceRefSchema = z.object({
  documentId: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().nonnegative(),
});
export type SourceRef = z.infer<typeof SourceRefSchema>;

export const AWB_PATTERN = /^\d{3}-\d{8}$/;

export const ConsignmentSchema = z.object({
  kind: z.enum(CONSIGNMENT_KINDS),
  /** Master AWB as NNN-NNNNNNNN, or null (parcels without a master). */
  awb: z.string().regex(AWB_PATTERN).nullable(),
  hawb: z.string().min(1).nullable(),
  parcelId: z.string().min(1).nullable(),
  /** IATA airport codes. */
  origin: z.string().length(3).nullable(),
  destination: z.string().length(3).nullable(),
  pieces: z.number().int().positive(),
  /** Pieces of the whole shipment when this record carries part of it (FFM split shipments). */
  totalPieces: z.number().int().positive().optional(),
  weightKg: z.number().positive(),
  volumeM3: z.number().nonnegative().nullable().optional(),
  description: z.string().min(1),
  hsCodes: z.array(z.string().regex(/^\d{4,10}$/)),
  shipper: PartySchema.nullable(),
  consignee: PartySchema.nullable(),
  notify: PartySchema.nullable().optional(),
  declaredValue: MoneySchema.nullable(),
  specialHandling: z.array(z.string()),
  source: SourceRefSchema,
  /** Extra, format-specific data (flight, ULD, OCI lines, SKU …); never required by consumers. */
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type Consignment = z.infer<typeof ConsignmentSchema>;

/** What a reader produces before validation: every field may be missing or malformed. */
export type ConsignmentDraft = {
  [K in keyof Consignment]?: Consignment[K] | null | undefined;
} & {
  /** Raw weight as read, before unit conversion, for INVALID_WEIGHT messages. */
  rawWeight?: string | null;
  /** Weight unit as read: 'K' (kg) or 'L' (lb); null when the message gave none. */
  weightUnit?: 'K' | 'L' | null;
};

/** A short human reference for a consignment: house, parcel or master number. */
export function consignmentRef(c: Pick<Consignment, 'awb' | 'hawb' | 'parcelId'>): string {
  return c.parcelId ?? c.hawb ?? c.awb ?? 'unknown';
}

/**
 * Identity used for duplicate detection within one document. The message family is part of it
 * (an FWB and the FFM line of the same AWB are two records, not a repeat), and so is the line of
 * a split-shipment part (one flight manifest may carry several parts of one AWB).
 */
export function identityParts(
  c: Pick<Consignment, 'kind' | 'awb' | 'hawb' | 'parcelId' | 'extra' | 'totalPieces' | 'source'>,
): (string | null)[] {
  const messageType = typeof c.extra?.messageType === 'string' ? c.extra.messageType.slice(0, 4) : null;
  const part = c.totalPieces !== undefined ? String(c.source.line) : null;
  return [c.kind, c.awb, c.hawb, c.parcelId, messageType, part];
}
