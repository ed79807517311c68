/**
 * The Harmonized System code shape every format and validation share: dots and spaces dropped,
 * 4 to 10 digits, of a real chapter.
 */
export function canonicalHsCode(raw: string): string | null {
  const code = raw.replace(/[\s.]/g, '');
  return /^\d{4,10}$/.test(code) && realChapter(Number(code.slice(0, 2))) ? code : null;
}

/** HS chapters 01–97; 77 is reserved for future use. */
export function realChapter(chapter: number): boolean {
  return chapter >= 1 && chapter <= 97 && chapter !== 77;
}
