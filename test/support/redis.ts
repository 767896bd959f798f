import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './local-server.js';

/**
 * A real redis-server for the fleet tests: REDIS_URL when set (`.ci/run` starts one), else a
 * fresh redis-server on a free loopback port when the binary is on PATH. Without either the tests
 * skip locally, with a message saying why; with CI=true they must not skip, so this throws.
 */
export const redisAvailable = process.env['REDIS_URL'] !== undefined || spawnSync('redis-server', ['--version']).status === 0;

if (!redisAvailable) {
  if (process.env['CI'] === 'true') throw new Error('CI=true but no redis-server: .ci/run must install it (apt-get install redis-server)');
  console.warn('fleet tests skipped: no redis-server on PATH and no REDIS_URL (apt-get install redis-server to run them)');
}

export interface RedisServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const given = process.env['REDIS_URL'];
  if (given !== undefined) return { url: given, stop: async () => undefined };
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}


/**
 * For a describe block: starts a redis-server (or uses REDIS_URL) before its tests, connects an
 * ioredis client, and stops both after. Read `.url` and `.client` inside the tests.
 */
export function useRedis(): { readonly url: string; readonly client: Redis } {
  let server: RedisServer | undefined;
  let client: Redis | undefined;
  beforeAll(async () => {
    server = await startRedis();
    client = new Redis(server.url);
  }, 20_000);
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });
  return {
    get url() {
      return server!.url;
    },
    get client() {
      return client!;
    },
  };
}
