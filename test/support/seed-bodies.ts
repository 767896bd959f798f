/**
 * Wire formats written from the seed documents (never from the code under test):
 * - Amazon MWS "Handling errors": XML `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestID/>`,
 *   headers x-mws-request-id, x-mws-timestamp, x-mws-quota-max/remaining/resetsOn.
 * - The scraper API's "Error codes & retry semantics": JSON `{error, message, docs_url, request_id}`.
 */
export function mwsErrorXml(code: string, message: string, requestId: string, type = 'Sender', requestIdTag = 'RequestID'): string {
  return (
    '<?xml version="1.0"?>\n' +
    '<ErrorResponse xmlns="https://mws.amazonservices.com/">' +
    `<Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
    `<${requestIdTag}>${requestId}</${requestIdTag}>` +
    '</ErrorResponse>'
  );
}

export function scraperErrorJson(code: string, message: string, requestId: string): string {
  return JSON.stringify({
    error: code,
    message,
    docs_url: `https://amazonscraperapi.com/docs/guides/errors#${code}`,
    request_id: requestId,
  });
}
