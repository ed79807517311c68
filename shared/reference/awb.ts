/**
 * Air waybill numbers: 3-digit airline prefix, '-', 8-digit serial whose last digit is the
 * first seven digits mod 7 (IATA Resolution 600a).
 */
export type AwbCheck =
  { ok: true; awb: string } | { ok: false; reason: 'format' | 'check-digit'; awb: string };

export function checkAwb(raw: string): AwbCheck {
  const compact = raw.trim().replace(/[\s-]/g, '');
  if (!/^\d{11}$/.test(compact)) return { ok: false, reason: 'format', awb: raw.trim() };
  const awb = `${compact.slice(0, 3)}-${compact.slice(3)}`;
  const serial = compact.slice(3);
  const expected = Number(serial.slice(0, 7)) % 7;
  if (Number(serial[7]) !== expected) return { ok: false, reason: 'check-digit', awb };
  return { ok: true, awb };
}

/** Builds a valid AWB from a prefix and a 7-digit serial stem (samples, tests, generators). */
export function makeAwb(prefix: string, stem: number): string {
  const seven = String(stem % 10_000_000).padStart(7, '0');
  return `${prefix}-${seven}${Number(seven) % 7}`;
}
