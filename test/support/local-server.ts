import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: status, headers and body. */
export interface ScriptedAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/**
 * A real HTTP server on 127.0.0.1 and an ephemeral port that answers requests from a script, in
 * order (the last answer repeats). Returns its URL, the requests it saw and a `close`.
 */
export async function startScriptedServer(script: readonly ScriptedAnswer[]) {
  const seen: { method: string; url: string }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const answer = script[Math.min(seen.length, script.length - 1)]!;
    seen.push({ method: req.method ?? '', url: req.url ?? '' });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening: bind one, then close it. */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
