import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/demo.js';

describe('npm run demo', () => {
  it('runs every scripted call against the fake servers and finds each behaving as the table of its API (Amazon MWS, the Amazon Scraper API, Amazon SP-API) says', async () => {
    const lines: string[] = [];
    const held = await runDemo({ speed: 20, write: (line) => lines.push(line) });
    const output = lines.join('\n');
    expect(output).toContain("every call behaved as its API's table says.");
    expect(held).toBe(true);
    // Amazon MWS's documented spacing, live on the wire: 1 s, 4 s, 10 s, 30 s, then RetryError.
    expect(output).toMatch(/ListOrderItems .*→ retry in 1 s[\s\S]*ListOrderItems .*→ retry in 4 s[\s\S]*ListOrderItems .*→ retry in 10 s[\s\S]*ListOrderItems .*→ retry in 30 s[\s\S]*ListOrderItems .*RetryError: attempts-exhausted/);
    expect(output).toMatch(/SubmitFeed .*400 InvalidParameterValue .*RetryError: not-retryable/);
    // SP-API: a 429 at x-amzn-RateLimit-Limit 0.5/s waits 1/rate = 2 s, and a 400 stops at once.
    expect(output).toMatch(/spapi .*429 QuotaExceeded .*→ retry in 2 s/);
    expect(output).toMatch(/spapi .*400 InvalidInput .*RetryError: not-retryable/);
  }, 30_000);
});
