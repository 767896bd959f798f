import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: a response, or `'drop'` to destroy the connection without answering. */
export type ScriptedAnswer = { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string } | 'drop';

/** How a server answers: per request path, the answers in order (the last one repeats). */
export type Script = (path: string, requestNumber: number) => ScriptedAnswer;

/** A running scripted server. */
export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests seen so far, in order. */
  readonly requests: readonly { readonly method: string; readonly path: string }[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 and an ephemeral port that answers each request from a
 * script, given the path and how many requests that path has seen (0-based). Used by the demo
 * and by the tests, so both speak to the same wire.
 */
export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const requests: { method: string; path: string }[] = [];
  const perPath = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const count = perPath.get(path) ?? 0;
    perPath.set(path, count + 1);
    requests.push({ method: req.method ?? 'GET', path });
    const answer = script(path, count);
    if (answer === 'drop') {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers from a per-path list: answer n for the n-th request, the last one repeating. */
export function fromLists(lists: Readonly<Record<string, readonly ScriptedAnswer[]>>): Script {
  return (path, n) => {
    const list = lists[path];
    if (list === undefined || list.length === 0) return { status: 404, body: `no script for ${path}` };
    return list[Math.min(n, list.length - 1)]!;
  };
}
