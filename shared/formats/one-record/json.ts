/**
 * A small JSON parser that remembers where things are: the line of every object and the line of
 * every property name, so ONE Record errors point at the line the carrier must fix. JSON.parse
 * gives neither, and its error positions differ between Node versions. A "__proto__" key becomes
 * an own property (as with JSON.parse), nesting is bounded, and a syntax error names its line and
 * column. Positions live in symbol-keyed fields on the parsed objects themselves: a WeakMap and a
 * Map per object cost several times the document in memory and GC time.
 *
 * Memory: a parsed object costs some 60 bytes however small its text (`{},` is 3 bytes), so the
 * number of objects and arrays is bounded (`maxContainers`, JsonLimitError past it). Property
 * lines are kept only for names on another line than their object's opening brace (a minified
 * document keeps none), and arrays keep no line (nothing reports one).
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

const LINE = Symbol('line');
const KEYS = Symbol('keys');

interface Positioned {
  [LINE]?: number;
  /** Property names in the order read, each followed by its line: [key, line, key, line, …]. */
  [KEYS]?: (string | number)[];
}

/** Line of an object's opening brace (undefined for arrays and for values not parsed here). */
export function lineOf(value: object): number | undefined {
  return (value as Positioned)[LINE];
}

/** Line of a property name, if the object has that key (its brace's line when they share one). */
export function keyLineOf(value: object, key: string): number | undefined {
  const keys = (value as Positioned)[KEYS];
  if (keys) for (let i = 0; i < keys.length; i += 2) if (keys[i] === key) return keys[i + 1] as number;
  return Object.hasOwn(value, key) ? (value as Positioned)[LINE] : undefined;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`invalid JSON at line ${line}, column ${column}: ${message}`);
    this.name = 'JsonSyntaxError';
  }
}

/** The document holds more objects and arrays than `maxContainers`: too large to hold parsed. */
export class JsonLimitError extends Error {
  constructor(
    readonly limit: number,
    readonly line: number,
  ) {
    super(
      `the document holds more than ${limit.toLocaleString('en')} JSON objects and arrays (line ${line})`,
    );
    this.name = 'JsonLimitError';
  }
}

export interface ParseOptions {
  maxDepth?: number;
  /** Most objects and arrays the document may hold (JsonLimitError past it). */
  maxContainers?: number;
  /** Rewrites each property name as it is read (ONE Record: to its local name). */
  key?: (raw: string) => string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export function parseJson(text: string, options: ParseOptions = {}): Json {
  return new Parser(
    text,
    options.maxDepth ?? 256,
    options.maxContainers ?? Number.POSITIVE_INFINITY,
    options.key,
  ).parse();
}

class Parser {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private containers = 0;

  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
    private readonly maxContainers: number,
    private readonly rename: ((raw: string) => string) | undefined,
  ) {}

  parse(): Json {
    const value = this.value(0);
    this.space();
    if (this.i < this.s.length) this.fail('unexpected data after the end of the JSON document');
    return value;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.line, this.i - this.lineStart + 1);
  }

  private space(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 13) this.i += 1;
      else if (c === 10) {
        this.i += 1;
        this.line += 1;
        this.lineStart = this.i;
      } else return;
    }
  }

  private describe(): string {
    if (this.i >= this.s.length) return 'the end of the document';
    const c = this.s[this.i]!;
    return `'${c === '\n' ? '\\n' : c}'`;
  }

  private value(depth: number): Json {
    this.space();
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail(`expected a value but found ${this.describe()}`);
    }
  }

  /** Counts one more object or array against the bound, and checks its depth. */
  private open(depth: number): void {
    if (depth > this.maxDepth) this.fail(`objects and arrays are nested deeper than ${this.maxDepth} levels`);
    if (++this.containers > this.maxContainers) throw new JsonLimitError(this.maxContainers, this.line);
  }

  private object(depth: number): JsonObject {
    this.open(depth);
    const out: JsonObject = {};
    const line = this.line;
    // Made at the first property name on a line of its own: most objects never need one.
    let keys: (string | number)[] | undefined;
    // Symbol keys stay out of Object.keys, for…in and JSON.stringify; plain assignment keeps
    // the object on V8's fast path (defineProperty would not).
    (out as Positioned)[LINE] = line;
    this.i += 1;
    this.space();
    if (this.s[this.i] === '}') {
      this.i += 1;
      return out;
    }
    for (;;) {
      this.space();
      if (this.s[this.i] !== '"')
        this.fail(`expected a property name in double quotes but found ${this.describe()}`);
      const keyLine = this.line;
      const raw = this.string();
      const key = this.rename ? this.rename(raw) : raw;
      this.space();
      if (this.s[this.i] !== ':')
        this.fail(`expected ':' after property name "${raw}" but found ${this.describe()}`);
      this.i += 1;
      const value = this.value(depth);
      if (keyLine !== line && !Object.hasOwn(out, key)) {
        // A literal is allocated to size; `[]` then push would reserve 16 slots.
        if (!keys) (out as Positioned)[KEYS] = keys = [key, keyLine];
        else keys.push(key, keyLine);
      }
      // An own property even for "__proto__" (plain assignment would set the prototype).
      if (key === '__proto__')
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.space();
      const c = this.s[this.i];
      if (c === ',') {
        this.i += 1;
        continue;
      }
      if (c === '}') {
        this.i += 1;
        return out;
      }
      this.fail(`expected ',' or '}' after a property value but found ${this.describe()}`);
    }
  }

  private array(depth: number): Json[] {
    this.open(depth);
    const out: Json[] = [];
    this.i += 1;
    this.space();
    if (this.s[this.i] === ']') {
      this.i += 1;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.space();
      const c = this.s[this.i];
      if (c === ',') {
        this.i += 1;
        continue;
      }
      if (c === ']') {
        this.i += 1;
        return out;
      }
      this.fail(`expected ',' or ']' after an array element but found ${this.describe()}`);
    }
  }

  private string(): string {
    const s = this.s;
    this.i += 1;
    let out = '';
    let start = this.i;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (Number.isNaN(c)) this.fail('a string is not terminated');
      if (c === 34) {
        out += s.slice(start, this.i);
        this.i += 1;
        return out;
      }
      if (c === 92) {
        out += s.slice(start, this.i);
        const e = s[this.i + 1];
        if (e === 'u') {
          const hex = s.slice(this.i + 2, this.i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape in a string');
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 6;
        } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
          out += ESCAPES[e];
          this.i += 2;
        } else {
          this.fail('invalid escape sequence in a string');
        }
        start = this.i;
        continue;
      }
      if (c < 0x20) this.fail('a control character (such as a line break) inside a string');
      this.i += 1;
    }
  }

  private number(): number {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail(`expected a number but found ${this.describe()}`);
    this.i += m[0].length;
    return Number(m[0]);
  }

  private literal<T extends boolean | null>(word: string, value: T): T {
    if (this.s.startsWith(word, this.i)) {
      this.i += word.length;
      return value;
    }
    return this.fail(`expected a value but found ${this.describe()}`);
  }
}
