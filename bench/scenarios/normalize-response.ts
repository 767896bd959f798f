import { do_not_optimize } from 'mitata';
import { normalizeFailure } from '../retry-table.js';
import { compare, type ResultRow } from '../measure.js';

const SCRAPER_JSON = JSON.stringify({
  error: 'rate_limited',
  message: 'You exceeded your per-key QPS or concurrency ceiling.',
  docs_url: 'https://amazonscraperapi.com/docs/guides/errors#rate_limited',
  request_id: 'req_9f2c8a1b3e4d',
});
const MWS_XML =
  '<?xml version="1.0"?><ErrorResponse xmlns="https://mws.amazonservices.com/"><Error><Type>Sender</Type>' +
  '<Code>RequestThrottled</Code><Message>Request is throttled</Message></Error><RequestID>b7c3b0a4-1f2e-4d9e</RequestID></ErrorResponse>';

/**
 * Scenario 4: turning a failed Response into a Failure. Baseline: building the Response and
 * reading a clone of its body as text, the least any reader of the body must do.
 */
export async function normalizeResponse(): Promise<ResultRow[]> {
  const json = (): Response => new Response(SCRAPER_JSON, { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '3' } });
  const xml = (): Response =>
    new Response(MWS_XML, { status: 503, headers: { 'content-type': 'text/xml', 'x-mws-request-id': 'b7c3b0a4', 'x-mws-timestamp': '2024-01-10T00:00:00Z' } });
  const rows: ResultRow[] = [];
  for (const [label, make] of [
    ['scraper JSON body', json],
    ['MWS XML body', xml],
  ] as const) {
    rows.push(
      ...(await compare(
        `4. normalize a failed Response (${label})`,
        ['baseline: new Response + clone().text()', async () => do_not_optimize(await make().clone().text())],
        [['retry-table normalizeFailure', async () => do_not_optimize(await normalizeFailure(make(), { now: 0 }))]],
      )),
    );
  }
  return rows;
}
