/**
 * The three APIs' error wire formats, as their documents describe them:
 * - Amazon MWS: XML `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestID/>`, with
 *   `x-mws-request-id`, `x-mws-timestamp` and, for quotas, `x-mws-quota-max`,
 *   `x-mws-quota-remaining`, `x-mws-quota-resetsOn`.
 * - The scraper API: JSON `{error, message, docs_url, request_id}`, with `Retry-After` when it
 *   asks for a wait.
 * - Amazon SP-API ("Response format"): JSON `{"errors":[{code, message, details}]}`, with
 *   `x-amzn-RequestId` and, best effort, `x-amzn-RateLimit-Limit` (requests per second).
 */
export interface MwsErrorOptions {
  readonly requestId: string;
  /** The server's time, epoch ms. */
  readonly now: number;
  /** When the hourly quota resets, epoch ms (QuotaExceeded). */
  readonly quotaResetsAt?: number;
}

export function mwsError(status: number, code: string, message: string, options: MwsErrorOptions) {
  const headers: Record<string, string> = {
    'content-type': 'text/xml',
    'x-mws-request-id': options.requestId,
    'x-mws-timestamp': new Date(options.now).toISOString(),
  };
  if (options.quotaResetsAt !== undefined) {
    headers['x-mws-quota-max'] = '200';
    headers['x-mws-quota-remaining'] = '0';
    headers['x-mws-quota-resetsOn'] = new Date(options.quotaResetsAt).toISOString();
  }
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const body =
    '<?xml version="1.0"?>\n<ErrorResponse xmlns="https://mws.amazonservices.com/">' +
    `<Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
    `<RequestID>${options.requestId}</RequestID></ErrorResponse>`;
  return { status, headers, body };
}

export function mwsOk(requestId: string, now: number) {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-mws-request-id': requestId, 'x-mws-timestamp': new Date(now).toISOString() },
    body: '<?xml version="1.0"?><Response><Result>ok</Result></Response>',
  };
}

export function scraperError(status: number, code: string, message: string, requestId: string, retryAfterSeconds?: number) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  const body = JSON.stringify({ error: code, message, docs_url: `https://amazonscraperapi.com/docs/guides/errors#${code}`, request_id: requestId });
  return { status, headers, body };
}

export function scraperOk(asin: string) {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ asin, title: `Product ${asin}` }) };
}

export function spApiError(status: number, code: string, message: string, requestId: string, rateLimitPerSecond?: number) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-RequestId': requestId };
  if (rateLimitPerSecond !== undefined) headers['x-amzn-RateLimit-Limit'] = String(rateLimitPerSecond);
  return { status, headers, body: JSON.stringify({ errors: [{ code, message, details: '' }] }) };
}

export function spApiOk(requestId: string, rateLimitPerSecond: number) {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-amzn-RequestId': requestId, 'x-amzn-RateLimit-Limit': String(rateLimitPerSecond) },
    body: JSON.stringify({ payload: { Orders: [] } }),
  };
}
