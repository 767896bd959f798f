// A redis-server of a test's (or the chaos run's) own, on its own loopback port, so it can be
// stopped (SIGSTOP), resumed, killed (SIGKILL) and restarted empty without disturbing anyone
// else's server. Only the process this module started is ever signalled, by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../support/local-server.js';

/** A redis-server this process started, and the faults it can be put through. */
export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** The current process's pid (a restart makes a new one). */
  readonly pid: number;
  /** SIGSTOP: the server keeps its connections and answers nothing until {@link OwnRedis.resume}. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** SIGKILL, and waits for the exit: everything in it is gone (no persistence). */
  kill(): Promise<void>;
  /** Starts an empty server again on the same port. */
  restart(): Promise<void>;
  /** Stops it for good (resuming it first if paused). */
  stop(): Promise<void>;
}

/**
 * Starts a redis-server on 127.0.0.1, on `port` or a free one, without persistence.
 *
 * @example
 * ```ts
 * const redis = await startOwnRedis();
 * redis.pause(); // ... redis.resume(); await redis.stop();
 * ```
 */
export async function startOwnRedis(port?: number): Promise<OwnRedis> {
  const chosen = port ?? (await freePort());
  let child = await launch(chosen);
  let exited = exitOf(child);
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    get pid() {
      return child.pid!;
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      child = await launch(chosen);
      exited = exitOf(child);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let output = '';
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`redis-server on ${port} did not start within 10 s: ${output}`)), 10_000);
    // Read its log for as long as it runs (a full pipe would block it), keeping only the start.
    child.stdout!.on('data', (chunk: Buffer) => {
      if (ready) return;
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on ${port} exited with ${code}: ${output}`));
    });
  });
}
