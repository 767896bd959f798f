import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer; `'drop'` destroys the connection after the request arrived, `'stall'` never answers. */
export type Answer = { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string } | 'drop' | 'stall';

/** A request as the server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A local node:http server on 127.0.0.1 answering from a list (the last answer repeats). */
export interface ScriptServer {
  readonly url: string;
  readonly port: number;
  readonly requests: SeenRequest[];
  /** When each request arrived (its head), by {@link ScriptServer.now}: a server's view of pacing. */
  readonly times: number[];
  /** The time source for `times`: Date.now, or a test's clock. */
  now: () => number;
  /** Replaces the answers still to come. */
  answer(...answers: Answer[]): void;
  close(): Promise<void>;
}

/**
 * Starts the server, on `port` when given (to bring up a port that refused connections so far).
 * Bodies are read whole before answering, so a retry's request body can be compared.
 */
export async function startScriptServer(port = 0): Promise<ScriptServer> {
  let answers: Answer[] = [{ status: 200, body: 'ok' }];
  const requests: SeenRequest[] = [];
  const times: number[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    times.push(script.now());
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = answers.length > 1 ? answers.shift()! : answers[0]!;
      if (next === 'drop') return void req.socket.destroy();
      if (next === 'stall') return;
      res.writeHead(next.status, next.headers);
      res.end(next.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  const script: ScriptServer = {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    times,
    now: Date.now,
    answer: (...next) => void (answers = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return script;
}

/** A JSON error answer of the scraping API (`{"error": code}`), as scraperPolicy reads it. */
export function scraperError(status: number, code: string, headers: Record<string, string> = {}): Answer {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ error: code, message: `${code} (test)` }) };
}
