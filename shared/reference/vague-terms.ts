/**
 * Descriptions too vague for customs: ICS2 stop words and PACT's rejected patterns
 * (only digits, a file extension, 3+ repeated characters, punctuation). See shared/domain.md.
 */
export const VAGUE_TERMS = [
  'accessories',
  'accessory',
  'gift',
  'gifts',
  'sample',
  'samples',
  'parts',
  'part',
  'chemicals',
  'chemical',
  'electronics',
  'equipment',
  'consol',
  'cnsl',
  'consolidation',
  'as per invoice',
  'as per attached invoice',
  'general cargo',
  'freight of all kinds',
  'fak',
  'goods',
  'merchandise',
  'items',
  'stuff',
  'various',
  'misc',
  'miscellaneous',
  'personal effects',
  'regalo',
  'regalos',
  'muestra',
  'muestras',
  'partes',
  'accesorios',
  'mercancia',
  'mercancias',
  'carga general',
  'said to contain',
  'stc',
] as const;

const TERM_SET = new Set<string>(VAGUE_TERMS);

/** Phrases that make a whole description vague wherever they stand ("CONSOLIDATION AS PER ATTACHED LIST"). */
const VAGUE_PHRASES = [
  'as per attached',
  'as per invoice',
  'as per manifest',
  'as per list',
  'said to contain',
  'segun factura',
  'ver anexo',
];

export function isVagueDescription(description: string): boolean {
  const text = description.trim().toLowerCase();
  if (text.length === 0) return true;
  if (/^[\d\s.,-]+$/.test(text)) return true; // only digits
  if (
    /^\.?[a-z0-9]{2,4}$/.test(text) &&
    /^\.(pdf|doc|docx|xls|xlsx|txt|csv|jpg|png)$/.test(`.${text.replace(/^\./, '')}`)
  )
    return true;
  if (/^(.)\1{2,}$/.test(text.replace(/\s/g, ''))) return true; // 3+ repeated characters
  if (/^[\p{P}\p{S}\s]+$/u.test(text)) return true; // only punctuation
  const folded = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (TERM_SET.has(folded)) return true;
  if (VAGUE_PHRASES.some((p) => folded.includes(p))) return true;
  // "GIFTS AND SAMPLES", "parts accessories": every word a stop word.
  const words = folded.split(' ').filter((w) => !['and', 'y', 'de', 'of', 'the', 'misc', '&'].includes(w));
  return words.length > 0 && words.every((w) => TERM_SET.has(w));
}
