/**
 * The names a party field holds besides the whole of it. Filers put two people in one field
 * ("Lucía Torres c/o Rigoberto Quintero", "… y/o …"), an attention line ("Attn: …"), a trade
 * name ("… dba …") or an alias in brackets ("QUINTERO BARRAGÁN, Rigoberto (El Ingeniero)"). Screened
 * only as a whole, a listed name is then a fraction of the field and falls below the threshold:
 * each name within is screened too (WatchlistIndex.search).
 */

/** Cheap test first: most names hold none of these. */
const MAY_HOLD = /[()/;]|\b(?:dba|aka|alias|attn|atn|atenci[oó]n)\b/i;
/** Where one name ends and another begins (global for split(), which ignores lastIndex). */
const BETWEEN =
  /\s+(?:y\/o|c\/o|a\/c|and\/or|d\/b\/a|dba|aka|a\.k\.a\.?|alias)\s+|\s+\/\s+|;|(?:^|\s)(?:attn|atn|atenci[oó]n|c\/o|a\/c)\s*[:.]?\s+/gi;
const BRACKETED = /\(([^()]*)\)/g;
const SPACES = /\s+/g;
/** A hostile field cannot make one party cost more than this many searches. */
const MAX_NAMES = 6;

export function namesWithin(name: string): string[] {
  if (!MAY_HOLD.test(name)) return [];
  // Spaces one at a time: over a long run of them BETWEEN's leading \s+ would backtrack at every
  // position (a name of "(Juan) " a hundred thousand times took minutes).
  const text = name.replace(SPACES, ' ');
  const found: string[] = [];
  const outside = text
    .replace(BRACKETED, (_, inside: string) => {
      found.push(inside);
      return ' ';
    })
    .replace(SPACES, ' ');
  const whole = text.trim();
  const names: string[] = [];
  // The names outside brackets first (an array spread, not unshift(...): no argument limit).
  for (const part of [...outside.split(BETWEEN), ...found]) {
    const n = part.trim(); // white space is single already (above)
    if (/\p{L}/u.test(n) && n !== whole && !names.includes(n)) names.push(n);
    if (names.length === MAX_NAMES) break;
  }
  return names;
}
