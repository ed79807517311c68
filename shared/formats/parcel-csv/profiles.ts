import { z } from 'zod';
import { isColumn } from './columns.js';

/**
 * Carrier mapping profiles (config/carrier-profiles.json): for each carrier id, the carrier's
 * header spelling → canonical column. Validated on load, so a typo in a column name is a clear
 * error at start-up rather than a silently ignored column.
 */
const ProfileSchema = z.record(
  z.string(),
  z
    .string()
    .refine(isColumn, { error: (issue) => `"${String(issue.input)}" is not a canonical parcel column` }),
);
export const CarrierProfilesSchema = z
  .object({ $comment: z.string().optional() })
  .catchall(ProfileSchema)
  .transform(({ $comment: _c, ...profiles }) => profiles as Record<string, Record<string, string>>);

export type CarrierProfiles = Record<string, Record<string, string>>;

export function parseCarrierProfiles(json: unknown): CarrierProfiles {
  return CarrierProfilesSchema.parse(json);
}

let configured: CarrierProfiles | undefined;

/** The profiles shipped in config/carrier-profiles.json (bundled into the ingest function). */
export async function configuredProfiles(): Promise<CarrierProfiles> {
  configured ??= parseCarrierProfiles(
    (await import('../../../config/carrier-profiles.json', { with: { type: 'json' } })).default,
  );
  return configured;
}
