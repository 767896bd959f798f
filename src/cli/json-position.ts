/**
 * Where things are in a JSON text, for error messages a person can act on: the line and column
 * of an offset, of a JSON.parse error, and of the value at a field path such as
 * `rules[2].schedule.delayMs` (the path a PolicyError names).
 */

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * The offset a JSON.parse error points at (`… at position 42`, or `line 3 column 5`); when the
 * engine's message does not say (V8 often quotes a snippet instead), the first offset a strict
 * JSON reader stops at.
 */
export function parseErrorOffset(text: string, message: string): number | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position !== null) return Number(position[1]);
  if (!/line (\d+) column (\d+)/.test(message)) return syntaxErrorOffset(text);
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol === null) return undefined;
  const lines = text.split('\n');
  const line = Number(lineCol[1]);
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
  return offset + Number(lineCol[2]) - 1;
}

/**
 * The offset of the value at `path` in a valid JSON text, or of the deepest part of the path that
 * exists (a missing field is reported where its object is).
 *
 * @example
 * ```ts
 * valueOffset('{"rules":[{"retry":1}]}', 'rules[0].retry'); // 19
 * ```
 */
export function valueOffset(text: string, path: string): number | undefined {
  const segments = parsePath(path);
  let at = skipSpace(text, 0);
  for (const segment of segments) {
    const found = typeof segment === 'number' ? elementAt(text, at, segment) : memberAt(text, at, segment);
    if (found === undefined) return at;
    at = found;
  }
  return at;
}

/** `rules[2].schedule."a b"` → ['rules', 2, 'schedule', 'a b']. */
function parsePath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /([A-Za-z_$][\w$]*)|\[(\d+)\]|("(?:[^"\\]|\\.)*")/g;
  for (const match of path.matchAll(pattern)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]!) as string);
  }
  return segments;
}

function memberAt(text: string, at: number, key: string): number | undefined {
  if (text[at] !== '{') return undefined;
  let i = skipSpace(text, at + 1);
  while (i < text.length && text[i] !== '}') {
    const keyEnd = skipString(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
    if (name === key) return valueStart;
    i = skipSpace(text, skipValue(text, valueStart));
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return undefined;
}

function elementAt(text: string, at: number, index: number): number | undefined {
  if (text[at] !== '[') return undefined;
  let i = skipSpace(text, at + 1);
  for (let n = 0; i < text.length && text[i] !== ']'; n++) {
    if (n === index) return i;
    i = skipSpace(text, skipValue(text, i));
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return undefined;
}

function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']';
    let j = skipSpace(text, i + 1);
    while (j < text.length && text[j] !== close) {
      j = skipSpace(text, skipValue(text, j));
      if (text[j] === ':' || text[j] === ',') j = skipSpace(text, j + 1);
    }
    return j + 1;
  }
  let j = i;
  while (j < text.length && !',]}'.includes(text[j]!) && !/\s/.test(text[j]!)) j++;
  return j;
}

function skipString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** The first offset where `text` stops being JSON, or undefined when it is JSON. */
export function syntaxErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new JsonStop(i);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = (): void => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (match === null || match[0] === '') fail();
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') return void i++;
      for (;;) {
        space();
        string();
        space();
        if (text[i] !== ':') fail();
        i++;
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    number();
  };
  try {
    value();
    space();
    return i < text.length ? i : undefined;
  } catch (stop) {
    if (stop instanceof JsonStop) return stop.offset;
    throw stop;
  }
}

class JsonStop {
  constructor(readonly offset: number) {}
}
