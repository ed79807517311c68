/**
 * Memoises a pure one-argument function of a string, with a bounded cache (cleared when full)
 * so hostile inputs with endless distinct values cannot grow memory.
 */
export function memo<T>(fn: (key: string) => T, max = 10_000): (key: string) => T {
  const cache = new Map<string, T>();
  return (key: string) => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as T;
    if (cache.size >= max) cache.clear();
    const value = fn(key);
    cache.set(key, value);
    return value;
  };
}
