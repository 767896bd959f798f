/**
 * A bare item of an HTTP Structured Field (RFC 9651 §3.3): the type is kept because the IETF
 * RateLimit fields require Integers, and a Decimal or a String where an Integer belongs makes the
 * field malformed.
 *
 * @example
 * ```ts
 * const remaining: BareItem = { type: 'integer', value: 0 };
 * ```
 */
export type BareItem =
  | { readonly type: 'integer' | 'decimal' | 'date'; readonly value: number }
  | { readonly type: 'string' | 'token' | 'bytes' | 'display'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean };

/**
 * An Inner List (RFC 9651 §3.1.1), such as `(a b)`: no RateLimit field has one, but a valid
 * List may, so it is parsed and then ignored by the readers.
 *
 * @example
 * ```ts
 * parseList('(a b);x')?.[0]?.value.type; // 'inner-list'
 * ```
 */
export interface InnerList {
  readonly type: 'inner-list';
  readonly value: readonly Member[];
}

/**
 * A member of a List or a Dictionary: an Item (a bare item) or an Inner List, with its
 * parameters. The parameters are a Map, not a record: a parameter may be named `__proto__`.
 *
 * @example
 * ```ts
 * parseList('"default";r=0;t=30')?.[0]?.params.get('t'); // { type: 'integer', value: 30 }
 * ```
 */
export interface Member {
  readonly value: BareItem | InnerList;
  readonly params: ReadonlyMap<string, BareItem>;
}

/**
 * Longer field values are not parsed: the RateLimit fields are a few dozen characters, and the
 * failure path must not spend time on a megabyte a server (or a test) put in a header.
 */
const MAX_LENGTH = 4096;

/**
 * Parses a Structured Field List (RFC 9651 §4.2.1), such as
 * `RateLimit: "burst";r=0;t=30, "daily";r=900`. Undefined when the text is not a valid List
 * ("Malformed RateLimit header fields MUST be ignored"): never throws.
 *
 * @example
 * ```ts
 * parseList('"burst";q=100;w=60,"daily";q=1000;w=86400')?.length; // 2
 * parseList('limit=100, remaining=50'); // undefined: that is a Dictionary
 * ```
 */
export function parseList(text: string): Member[] | undefined {
  if (text.length > MAX_LENGTH) return undefined;
  const parser = new Parser(text);
  try {
    const list = parser.list();
    return parser.atEnd() ? list : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses a Structured Field Dictionary (RFC 9651 §4.2.2), such as the -07 draft's
 * `RateLimit: limit=100, remaining=50, reset=5`. A key given twice keeps its last value, as the
 * RFC says. Undefined when the text is not a valid Dictionary: never throws.
 *
 * @example
 * ```ts
 * parseDictionary('limit=100, remaining=50, reset=5')?.get('reset'); // { value: { type: 'integer', value: 5 }, params: Map {} }
 * ```
 */
export function parseDictionary(text: string): Map<string, Member> | undefined {
  if (text.length > MAX_LENGTH) return undefined;
  const parser = new Parser(text);
  try {
    const dictionary = parser.dictionary();
    return parser.atEnd() ? dictionary : undefined;
  } catch {
    return undefined;
  }
}

/** Thrown inside the parser only, and caught at its two entries. */
const MALFORMED = /* @__PURE__ */ new Error('malformed structured field');
const NO_PARAMS: ReadonlyMap<string, BareItem> = /* @__PURE__ */ new Map();

const DIGIT = /[0-9]/;
const ALPHA = /[A-Za-z]/;
const KEY_START = /[a-z*]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;
const LOWER_HEX = /[0-9a-f]/;

/** The parsing algorithms of RFC 9651 §4.2, in their order; any deviation throws {@link MALFORMED}. */
class Parser {
  private at = 0;

  constructor(private readonly text: string) {
    this.skipSpaces();
  }

  atEnd(): boolean {
    this.skipSpaces();
    return this.at === this.text.length;
  }

  list(): Member[] {
    const members: Member[] = [];
    while (this.at < this.text.length) {
      members.push(this.itemOrInnerList());
      if (this.afterMember()) return members;
    }
    return members;
  }

  dictionary(): Map<string, Member> {
    const members = new Map<string, Member>();
    while (this.at < this.text.length) {
      const key = this.key();
      if (this.text[this.at] === '=') {
        this.at++;
        members.set(key, this.itemOrInnerList());
      } else {
        members.set(key, { value: { type: 'boolean', value: true }, params: this.params() });
      }
      if (this.afterMember()) return members;
    }
    return members;
  }

  /** Consumes the separator after a member; true at the end of the field. */
  private afterMember(): boolean {
    this.skipWhitespace();
    if (this.at === this.text.length) return true;
    if (this.text[this.at] !== ',') throw MALFORMED;
    this.at++;
    this.skipWhitespace();
    // A trailing comma is malformed.
    if (this.at === this.text.length) throw MALFORMED;
    return false;
  }

  private itemOrInnerList(): Member {
    if (this.text[this.at] !== '(') return { value: this.bareItem(), params: this.params() };
    this.at++;
    const items: Member[] = [];
    while (this.at < this.text.length) {
      this.skipSpaces();
      if (this.text[this.at] === ')') {
        this.at++;
        return { value: { type: 'inner-list', value: items }, params: this.params() };
      }
      items.push({ value: this.bareItem(), params: this.params() });
      const next = this.text[this.at];
      if (next !== ' ' && next !== ')') throw MALFORMED;
    }
    throw MALFORMED;
  }

  private params(): ReadonlyMap<string, BareItem> {
    let params: Map<string, BareItem> | undefined;
    while (this.text[this.at] === ';') {
      this.at++;
      this.skipSpaces();
      const key = this.key();
      let value: BareItem = { type: 'boolean', value: true };
      if (this.text[this.at] === '=') {
        this.at++;
        value = this.bareItem();
      }
      (params ??= new Map()).set(key, value);
    }
    return params ?? NO_PARAMS;
  }

  private key(): string {
    const start = this.at;
    if (!KEY_START.test(this.text[this.at] ?? '')) throw MALFORMED;
    this.at++;
    while (KEY_CHAR.test(this.text[this.at] ?? '')) this.at++;
    return this.text.slice(start, this.at);
  }

  private bareItem(): BareItem {
    const first = this.text[this.at] ?? '';
    if (first === '-' || DIGIT.test(first)) return this.number('integer');
    if (first === '"') return { type: 'string', value: this.string() };
    if (first === '*' || ALPHA.test(first)) return { type: 'token', value: this.token() };
    if (first === ':') return { type: 'bytes', value: this.bytes() };
    if (first === '?') return { type: 'boolean', value: this.boolean() };
    if (first === '@') {
      this.at++;
      const date = this.number('date');
      if (date.type !== 'date') throw MALFORMED;
      return date;
    }
    if (first === '%') return { type: 'display', value: this.displayString() };
    throw MALFORMED;
  }

  /** An Integer (at most 15 digits) or a Decimal (at most 12 digits, a dot, 1 to 3 digits). */
  private number(integerType: 'integer' | 'date'): BareItem {
    const start = this.at;
    if (this.text[this.at] === '-') this.at++;
    if (!DIGIT.test(this.text[this.at] ?? '')) throw MALFORMED;
    const digitsStart = this.at;
    let dot = -1;
    for (;;) {
      const char = this.text[this.at] ?? '';
      if (DIGIT.test(char)) this.at++;
      else if (char === '.' && dot === -1 && integerType === 'integer') {
        if (this.at - digitsStart > 12) throw MALFORMED;
        dot = this.at++;
      } else break;
    }
    if (dot === -1) {
      if (this.at - digitsStart > 15) throw MALFORMED;
      return { type: integerType, value: Number(this.text.slice(start, this.at)) + 0 };
    }
    const fraction = this.at - dot - 1;
    if (fraction < 1 || fraction > 3) throw MALFORMED;
    return { type: 'decimal', value: Number(this.text.slice(start, this.at)) + 0 };
  }

  private string(): string {
    this.at++;
    let value = '';
    for (;;) {
      const char = this.text[this.at++];
      if (char === undefined) throw MALFORMED;
      if (char === '"') return value;
      if (char === '\\') {
        const escaped = this.text[this.at++];
        if (escaped !== '"' && escaped !== '\\') throw MALFORMED;
        value += escaped;
      } else {
        const code = char.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) throw MALFORMED;
        value += char;
      }
    }
  }

  private token(): string {
    const start = this.at++;
    while (TOKEN_CHAR.test(this.text[this.at] ?? '')) this.at++;
    return this.text.slice(start, this.at);
  }

  private bytes(): string {
    const start = ++this.at;
    while (BASE64_CHAR.test(this.text[this.at] ?? '')) this.at++;
    if (this.text[this.at] !== ':') throw MALFORMED;
    return this.text.slice(start, this.at++);
  }

  private boolean(): boolean {
    const value = this.text[this.at + 1];
    if (value !== '0' && value !== '1') throw MALFORMED;
    this.at += 2;
    return value === '1';
  }

  /** Kept percent-encoded: no RateLimit parameter is a Display String, so it is only skipped. */
  private displayString(): string {
    if (this.text[this.at + 1] !== '"') throw MALFORMED;
    this.at += 2;
    const start = this.at;
    for (;;) {
      const char = this.text[this.at++];
      if (char === undefined) throw MALFORMED;
      if (char === '"') return this.text.slice(start, this.at - 1);
      if (char === '%') {
        if (!LOWER_HEX.test(this.text[this.at] ?? '') || !LOWER_HEX.test(this.text[this.at + 1] ?? '')) throw MALFORMED;
        this.at += 2;
      } else {
        const code = char.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) throw MALFORMED;
      }
    }
  }

  private skipSpaces(): void {
    while (this.text[this.at] === ' ') this.at++;
  }

  /** OWS around list and dictionary separators: spaces and tabs. */
  private skipWhitespace(): void {
    while (this.text[this.at] === ' ' || this.text[this.at] === '\t') this.at++;
  }
}
