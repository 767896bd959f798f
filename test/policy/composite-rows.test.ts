import { describe, expect, it } from 'vitest';
import { indexCompositeRows } from '../../src/policy/composite-rows.js';
import { RuleIndex } from '../../src/policy/rule-index.js';
import { definePolicy } from '../../src/index.js';

/**
 * Rows that combine match fields are looked up through composite keys (composite-rows.ts), which
 * definePolicy gives every policy's index and the prebuilt tables, whose rows each constrain one
 * field, leave out (so an application importing only a prebuilt policy does not bundle them).
 */
describe('rows that combine match fields', () => {
  const policy = definePolicy({
    name: 'combined',
    rules: [
      { id: 'busy-503', match: { code: 'Busy', status: 503 }, retry: true },
      { id: 'gateway-network', match: { status: '5xx', kind: 'http', code: ['Gateway', 'Proxy'] }, retry: true },
      { id: 'any-503', match: { status: 503 }, retry: false },
      { id: 'other', match: {}, retry: false },
    ],
  });

  it.each([
    [{ kind: 'http', status: 503, code: 'Busy' }, 'busy-503'],
    [{ kind: 'http', status: 503, code: 'Idle' }, 'any-503'],
    [{ kind: 'http', status: 502, code: 'Proxy' }, 'gateway-network'],
    [{ kind: 'http', status: 503, code: 'Gateway' }, 'gateway-network'],
    [{ kind: 'network', code: 'Busy' }, 'other'],
  ] as const)('%j matches %s', (failure, id) => {
    expect(policy.match(failure)?.id).toBe(id);
  });

  it('an index given no composite lookup refuses such a row, naming it', () => {
    const rules = policy.rules;
    expect(() => new RuleIndex(rules)).toThrow('rule "busy-503" combines match fields');
    expect(new RuleIndex(rules, indexCompositeRows).find({ kind: 'http', status: 503, code: 'Busy' })?.id).toBe('busy-503');
  });
});
