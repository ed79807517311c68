/** 1-based line of the first occurrence of `needle` from `from` (fixtures are the source of truth for lines). */
export function lineOf(text: string, needle: string, from = 0): number {
  const idx = text.indexOf(needle, from);
  if (idx < 0) throw new Error(`fixture has no ${needle}`);
  return text.slice(0, idx).split('\n').length;
}
