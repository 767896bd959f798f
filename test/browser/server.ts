import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the API server. */
export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A running local server on 127.0.0.1. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>`: its own origin. */
  readonly url: string;
  /** The requests seen, in order, with the `Origin` the browser sent. */
  readonly requests: readonly { readonly method: string; readonly path: string; readonly origin: string | undefined }[];
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/**
 * The API, on an origin of its own so the page's fetches are cross-origin: CORS allows any
 * origin and, as an API must for a browser client to see it, exposes `Retry-After` (not a
 * CORS-safelisted header: without `Access-Control-Expose-Headers` the page could not read it).
 * Each path answers from its list in order, the last answer repeating.
 */
export async function startApiServer(script: Readonly<Record<string, readonly Answer[]>>): Promise<LocalServer> {
  const requests: { method: string; path: string; origin: string | undefined }[] = [];
  const seen = new Map<string, number>();
  const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Retry-After' };
  const { server, url } = await listen((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, origin: req.headers.origin });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': '*' }).end();
      return;
    }
    const list = script[path];
    if (list === undefined || list.length === 0) {
      res.writeHead(404, cors).end(`no script for ${path}`);
      return;
    }
    const count = seen.get(path) ?? 0;
    seen.set(path, count + 1);
    const answer = list[Math.min(count, list.length - 1)]!;
    res.writeHead(answer.status, { ...cors, ...answer.headers }).end(answer.body ?? '');
  });
  return { url, requests, close: closer(server) };
}

/** Serves the test page and its bundle, and nothing else. */
export async function startPageServer(html: string, script: string): Promise<LocalServer> {
  const requests: { method: string; path: string; origin: string | undefined }[] = [];
  const { server, url } = await listen((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ method: req.method ?? 'GET', path, origin: req.headers.origin });
    if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (path === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    else res.writeHead(404).end();
  });
  return { url, requests, close: closer(server) };
}
