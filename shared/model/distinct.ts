/**
 * Strings kept once each, in the order they first came. Searched as a list while there are few
 * (a parcel has one or two items, a record one or two HS codes), and through a set past FEW: a
 * sender may send thousands of rows or codes, and a list searched for each would make the record
 * quadratic.
 */
export class DistinctStrings {
  private set: Set<string> | undefined;

  /** `items` may repeat a string: it is kept as given, and later ones are compared with it. */
  constructor(readonly items: string[] = []) {
    if (items.length > FEW) this.set = new Set(items);
  }

  has(s: string): boolean {
    return this.set ? this.set.has(s) : this.items.includes(s);
  }

  /** Appends `s`, whether or not it is there already. */
  push(s: string): void {
    this.items.push(s);
    if (this.set) this.set.add(s);
    else if (this.items.length > FEW) this.set = new Set(this.items);
  }

  /** Appends `s` unless it is there; true when it was appended. */
  add(s: string): boolean {
    if (this.has(s)) return false;
    this.push(s);
    return true;
  }
}

/** Strings searched as a list; past this many, through a set. */
const FEW = 16;
