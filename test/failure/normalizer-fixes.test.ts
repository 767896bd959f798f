import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_CHARS } from '../../src/failure/error-body.js';
import { mwsXmlReader } from '../../src/failure/readers/mws-xml.js';
import type { BodyFields } from '../../src/failure/readers/reader.js';
import { normalizeFailureSync } from '../../src/index.js';

const readXml = (text: string): BodyFields | undefined => mwsXmlReader.read({ text, json: undefined });

/**
 * What the MWS XML reader answered when it was three regular expressions (the lazy
 * `<Error>([\s\S]*?)<\/Error>` among them): the oracle the forward scan must agree with. Run only
 * on the small bodies fast-check makes, where its quadratic worst case does not matter.
 */
function regexOracle(xml: string): BodyFields | undefined {
  if (!xml.trimStart().startsWith('<')) return undefined;
  const text = (within: string, name: string): string | undefined => {
    const found = new RegExp(`<${name}>([^<]*)</${name}>`).exec(within)?.[1];
    if (found === undefined) return undefined;
    const decoded = found.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&').trim();
    return decoded === '' ? undefined : decoded;
  };
  const error = /<Error>([\s\S]*?)<\/Error>/.exec(xml)?.[1] ?? xml;
  const code = text(error, 'Code');
  const message = text(error, 'Message');
  const requestId = text(xml, 'RequestID') ?? text(xml, 'RequestId');
  return code === undefined && message === undefined && requestId === undefined ? undefined : { code, message, requestId };
}

/**
 * The work a read does, counted rather than timed: every character the string searches look
 * at (`indexOf`, `startsWith`, `includes`), and the longest string any regular expression was
 * run on. Counting keeps the test deterministic on a loaded machine; the patched methods are
 * restored before anything else runs.
 */
function countWork(read: () => unknown): { scanned: number; longestRegexInput: number } {
  const proto = String.prototype;
  const { indexOf, startsWith, includes } = proto;
  const exec = RegExp.prototype.exec;
  let scanned = 0;
  let longestRegexInput = 0;
  proto.indexOf = function (this: string, needle: string, from = 0) {
    const found = indexOf.call(this, needle, from);
    scanned += (found === -1 ? this.length : found + needle.length) - Math.max(0, from);
    return found;
  };
  proto.startsWith = function (this: string, prefix: string, at = 0) {
    scanned += prefix.length;
    return startsWith.call(this, prefix, at);
  };
  proto.includes = function (this: string, needle: string, from = 0) {
    scanned += this.length - from;
    return includes.call(this, needle, from);
  };
  // A modified `exec` is what every RegExp method (test, match, replace) calls, so this sees them all.
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    longestRegexInput = Math.max(longestRegexInput, String(input).length);
    return exec.call(this, input);
  };
  try {
    read();
  } finally {
    Object.assign(proto, { indexOf, startsWith, includes });
    RegExp.prototype.exec = exec;
  }
  return { scanned, longestRegexInput };
}

/** Bodies built to make a backtracking scan rescan: each is `size` characters. */
const ADVERSARIAL: readonly [string, (size: number) => string][] = [
  ['opening <Error> tags only', (size) => '<Error>'.repeat(Math.ceil(size / 7)).slice(0, size)],
  ['<Code> tags that never close', (size) => ('<Error>' + '<Code>'.repeat(Math.ceil(size / 6))).slice(0, size)],
  ['<Code>x candidates, each cut by the next', (size) => ('<Error>' + '<Code>x'.repeat(Math.ceil(size / 7))).slice(0, size)],
  ['request id tags of both spellings, unclosed', (size) => ('<' + '<RequestID><RequestId>'.repeat(Math.ceil(size / 22))).slice(0, size)],
  ['one unclosed element and text to the end', (size) => ('<ErrorResponse><Error><Code>' + 'x'.repeat(size)).slice(0, size)],
];

describe('MWS XML: a forward scan, linear in the body whatever the server sent', () => {
  it.each(ADVERSARIAL)('%s: no regular expression over the body, and a bounded number of characters looked at', (_label, make) => {
    for (const size of [MAX_BODY_CHARS / 4, MAX_BODY_CHARS]) {
      const body = make(size);
      const work = countWork(() => readXml(body));
      // The entity decoding runs on an element's text only; a regex over the body would see it whole.
      expect(work.longestRegexInput).toBeLessThan(64);
      // Five forward searches: the <Error> section (one pass), then Code, Message and the two
      // request id spellings, each one pass plus, per candidate tag (at most size / opening-tag
      // length of them), a `<` and a closing-tag comparison: at most 1 + 4 × 2.34 passes. The same
      // constant at both sizes is linearity; a rescan from every tag would need thousands.
      expect(work.scanned).toBeLessThanOrEqual(10 * size);
    }
  });

  it('the 64 KiB body of opening <Error> tags has nothing to read, through normalizeFailureSync too', () => {
    const body = '<Error>'.repeat(MAX_BODY_CHARS / 7 + 1);
    expect(readXml(body)).toBeUndefined();
    expect(normalizeFailureSync({ status: 503, body })).toEqual({ kind: 'http', status: 503 });
  });

  it.each<[string, string, BodyFields | undefined]>([
    ['many opening tags before the one closed section', `${'<Error>'.repeat(1000)}<Code>Late</Code></Error>`, { code: 'Late', message: undefined, requestId: undefined }],
    ['a Code with nested markup is skipped for the next plain one', '<Error><Code><b>x</b></Code><Code>Plain</Code></Error>', { code: 'Plain', message: undefined, requestId: undefined }],
    ['Code outside <Error> is not read when there is an <Error>', '<R><Code>Outer</Code><Error><Code>Inner</Code></Error></R>', { code: 'Inner', message: undefined, requestId: undefined }],
    ['no </Error>: the whole document is read', '<R><Error><Code>Whole</Code><RequestId>r-2</RequestId>', { code: 'Whole', message: undefined, requestId: 'r-2' }],
    ['an unclosed Code reads nothing', '<Error><Code>cut', undefined],
    ['a blank first Code is no code (the next is not looked for)', '<Error><Code> </Code><Code>Second</Code></Error>', undefined],
    ['entities decoded once, &amp; last', '<Error><Message>a &amp;lt; b &lt; c</Message></Error>', { code: undefined, message: 'a &lt; b < c', requestId: undefined }],
    ['RequestID wins over RequestId', '<R><RequestId>lower</RequestId><RequestID>upper</RequestID></R>', { code: undefined, message: undefined, requestId: 'upper' }],
  ])('%s', (_label, body, expected) => {
    expect(readXml(body)).toEqual(expected);
  });

  it('agrees with the regular expressions it replaced, on bodies made of the tags it looks for', () => {
    const token = fc.constantFrom(
      '<Error>', '</Error>', '<Code>', '</Code>', '<Message>', '</Message>', '<RequestID>', '</RequestID>',
      '<RequestId>', '</RequestId>', '<', 'x', 'Throttled', ' ', '&amp;', '&lt;', '&amp;lt;',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const body = '<' + tokens.join('');
        expect(readXml(body)).toEqual(regexOracle(body));
      }),
      { numRuns: 2000, seed: 20_261_202 },
    );
  });
});
