import countries from 'i18n-iso-countries';

/**
 * ISO 3166-1 country codes from the i18n-iso-countries package.
 * Accepts alpha-2, alpha-3 and numeric codes and returns alpha-2, or null when unknown.
 */
export function toAlpha2(value: string): string | null {
  const v = value.trim().toUpperCase();
  if (v.length === 2) return countries.isValid(v) ? v : null;
  if (v.length === 3 && /^[A-Z]{3}$/.test(v)) return countries.alpha3ToAlpha2(v) ?? null;
  if (/^\d{3}$/.test(v)) return countries.numericToAlpha2(v) ?? null;
  return null;
}
