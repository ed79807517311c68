import { keyLineOf, lineOf, type Json, type JsonObject } from './json.js';

/**
 * Just enough JSON-LD for ONE Record documents, without a JSON-LD processor (which would fetch
 * remote contexts): property names match by local name whatever the prefix (`cargo:pieces`,
 * `pieces`, `https://onerecord.iata.org/ns/cargo#pieces`), values may be plain or `{"@value"}`,
 * objects may be embedded or referenced by `@id` anywhere in the same document. The document is
 * parsed with `localName` as its key transform, so every object is keyed by lower-cased local names.
 */

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const localNames = new Map<string, string>();

/** Local name of a property or type IRI, lower-cased: `cargo:Waybill` → `waybill`. */
export function localName(key: string): string {
  // Documents repeat a few dozen property names thousands of times.
  let local = localNames.get(key);
  if (local === undefined) {
    local = computeLocalName(key);
    if (localNames.size < 10_000) localNames.set(key, local);
  }
  return local;
}

function computeLocalName(key: string): string {
  if (key.startsWith('@')) return key;
  const hash = key.lastIndexOf('#');
  if (hash >= 0) return key.slice(hash + 1).toLowerCase();
  if (/^https?:\/\//i.test(key)) return key.slice(key.lastIndexOf('/') + 1).toLowerCase();
  const colon = key.indexOf(':');
  return (colon >= 0 ? key.slice(colon + 1) : key).toLowerCase();
}

/** The code at the end of an IRI: `.../SpecialHandlingCode#VAL` → `VAL`, `country:DE` → `DE`. */
export function iriCode(iri: string): string {
  const t = iri.trim();
  const hash = t.lastIndexOf('#');
  if (hash >= 0) return t.slice(hash + 1);
  if (/^https?:\/\//i.test(t)) return t.slice(t.lastIndexOf('/') + 1);
  const colon = t.indexOf(':');
  return colon >= 0 ? t.slice(colon + 1) : t;
}

/** Values as a list: JSON-LD allows one value or an array (or an `@list`/`@set`). */
export function asArray(v: Json | undefined): Json[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  if (isObject(v)) {
    const list = v['@list'] ?? v['@set'];
    if (Array.isArray(list)) return list;
  }
  return [v];
}

export class LdDocument {
  /** The node object for each `@id`, with its number of properties (counted once, here). */
  private readonly byId = new Map<string, { node: JsonObject; size: number }>();
  /** Every node object of the document, in document order. */
  readonly nodes: JsonObject[] = [];

  constructor(readonly root: Json) {
    // Iterative walk: documents are size-capped but may be deep.
    const stack: Json[] = [root];
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]!);
        continue;
      }
      if (!isObject(v) || '@value' in v) continue;
      this.nodes.push(v);
      const keys = Object.keys(v);
      const id = v['@id'];
      if (typeof id === 'string') {
        const key = id.trim();
        const known = this.byId.get(key);
        // A bare `{"@id": …}` is a reference; keep the object that carries the data.
        if (!known || keys.length > known.size) this.byId.set(key, { node: v, size: keys.length });
      }
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        if (k !== '@context') stack.push(v[k]!);
      }
    }
  }

  /** A property by (lower-cased) local name. */
  get(o: JsonObject | undefined, name: string): Json | undefined {
    if (!o) return undefined;
    const key = name.toLowerCase();
    return Object.hasOwn(o, key) ? o[key] : undefined;
  }

  /** First property present among several names. */
  first(o: JsonObject | undefined, ...names: string[]): Json | undefined {
    for (const n of names) {
      const v = this.get(o, n);
      if (v !== undefined && v !== null) return v;
    }
    return undefined;
  }

  /** Line of the first of the properties present, else of the object. */
  lineOf(o: JsonObject | undefined, ...names: string[]): number | undefined {
    if (!o) return undefined;
    for (const n of names) {
      const line = keyLineOf(o, n.toLowerCase());
      if (line !== undefined) return line;
    }
    return lineOf(o);
  }

  /** The object a value stands for: an embedded object, or the document's object for its `@id`. */
  resolve(v: Json | undefined): JsonObject | undefined {
    if (Array.isArray(v)) return this.resolve(v[0]);
    if (typeof v === 'string') return this.byId.get(v.trim())?.node;
    if (!isObject(v) || '@value' in v) return undefined;
    const id = v['@id'];
    if (typeof id === 'string') {
      const known = this.byId.get(id.trim());
      // The known node's size is counted once: counting it here again, for every reference,
      // would let a node of many properties referenced many times cost their product.
      if (known && known.node !== v && known.size > Object.keys(v).length) return known.node;
    }
    return v;
  }

  /** All objects a (possibly multi-valued) property refers to, resolved and without repeats. */
  objects(v: Json | undefined): JsonObject[] {
    const out: JsonObject[] = [];
    const seen = new Set<JsonObject>();
    for (const item of asArray(v)) {
      const o = this.resolve(item);
      if (o && !seen.has(o)) {
        seen.add(o);
        out.push(o);
      }
    }
    return out;
  }

  /** `@type` local names, lower-cased (`cargo:Waybill` and `cargo:waybill` alike). */
  types(o: JsonObject): string[] {
    return asArray(o['@type'])
      .filter((t): t is string => typeof t === 'string')
      .map(localName);
  }

  /** A literal: plain, `{"@value": …}`, or the first of an array. */
  scalar(v: Json | undefined): string | number | boolean | undefined {
    if (Array.isArray(v)) return this.scalar(v[0]);
    if (isObject(v)) return '@value' in v ? this.scalar(v['@value']) : undefined;
    if (v === null || v === undefined) return undefined;
    return v;
  }

  /**
   * Every non-empty trimmed text literal of a (possibly multi-valued) property, in order:
   * plain values, `{"@value"}`, arrays (nested too) and `@list`/`@set`. Objects that are not
   * literals are not text.
   */
  texts(v: Json | undefined): string[] {
    const out: string[] = [];
    const stack: Json[] = [];
    if (v !== undefined) stack.push(v);
    while (stack.length > 0) {
      const x = stack.pop()!;
      let items: Json[] | undefined;
      if (Array.isArray(x)) items = x;
      else if (isObject(x) && !('@value' in x)) {
        const list = x['@list'] ?? x['@set'];
        if (!Array.isArray(list)) continue; // a node, not a literal
        items = list;
      }
      if (items) {
        for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]!);
        continue;
      }
      const t = this.text(x);
      if (t !== undefined) out.push(t);
    }
    return out;
  }

  /** A non-empty trimmed text literal. */
  text(v: Json | undefined): string | undefined {
    const s = this.scalar(v);
    if (s === undefined || typeof s === 'boolean') return undefined;
    const t = String(s).trim();
    return t === '' ? undefined : t;
  }

  /**
   * A code: a literal, a code-list element (`code`), or the end of an `@id` IRI
   * (`https://onerecord.iata.org/ns/code-lists/SpecialHandlingCode#VAL` → `VAL`).
   */
  code(v: Json | undefined): string | undefined {
    if (Array.isArray(v)) return this.code(v[0]);
    if (!isObject(v)) return this.text(v);
    if ('@value' in v) return this.text(v);
    const o = this.resolve(v) ?? v;
    const literal = this.text(this.first(o, 'code', 'countryCode', 'value'));
    if (literal) return literal;
    const id = o['@id'];
    if (typeof id === 'string' && id.trim()) return iriCode(id) || undefined;
    return undefined;
  }

  /** Every code of a multi-valued property. */
  codes(v: Json | undefined): string[] {
    const out: string[] = [];
    for (const item of asArray(v)) {
      const c = this.code(item);
      if (c) out.push(c);
    }
    return out;
  }
}
