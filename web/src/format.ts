/** Small pure formatters shared by the views. */

/** Seconds as a short age: `45s`, `12m`, `3h 05m`, `2d 4h`. */
export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

/** An ISO time as local date and time, or the raw text when it does not parse. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** `DO_NOT_LOAD` → `Do not load`. */
export function humanize(code: string): string {
  const words = code.toLowerCase().replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export type SortKey = 'score' | 'age';

/** Queue order: the chosen key first (descending: riskiest, oldest), the other as tie-break. */
export function sortQueue<T extends { riskScore: number; age: number; id: string }>(
  items: T[],
  key: SortKey,
): T[] {
  return [...items].sort((a, b) => {
    const primary = key === 'score' ? b.riskScore - a.riskScore : b.age - a.age;
    if (primary !== 0) return primary;
    const secondary = key === 'score' ? b.age - a.age : b.riskScore - a.riskScore;
    return secondary !== 0 ? secondary : a.id.localeCompare(b.id);
  });
}
