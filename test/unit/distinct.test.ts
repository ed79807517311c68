import { describe, expect, it } from 'vitest';
import { DistinctStrings } from '../../shared/model/distinct.js';

describe('DistinctStrings', () => {
  it('keeps each string once, in first-come order, before and after it grows past a list', () => {
    const d = new DistinctStrings();
    const added = Array.from({ length: 40 }, (_, i) => d.add(`s${i % 20}`));
    expect(added).toEqual([...Array<boolean>(20).fill(true), ...Array<boolean>(20).fill(false)]);
    expect(d.items).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
    expect(d.has('s19')).toBe(true);
    expect(d.has('s20')).toBe(false);
  });

  it('keeps the strings it starts with as given, repeats too, and compares later ones with them', () => {
    const d = new DistinctStrings(['a', 'a', 'b']);
    expect(d.add('a')).toBe(false);
    d.push('b');
    expect(d.items).toEqual(['a', 'a', 'b', 'b']);
    const many = new DistinctStrings(Array.from({ length: 30 }, (_, i) => `x${i}`));
    expect(many.add('x29')).toBe(false);
    expect(many.add('x30')).toBe(true);
  });
});
