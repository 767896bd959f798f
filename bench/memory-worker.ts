// Child process of scenario 5: starts N calls of one contender that fail at once and then sit in
// a 60 s backoff, and prints the heap bytes per in-flight call after gc. One process per
// contender, so timers left by one library never weigh on another's figure.
//
// Two failure shapes: `shared` throws one Error object for every call (the least a call can be
// made to hold), `fresh` throws a new Error per call from a few frames deep, as a real client
// does: a library that keeps the previous attempt's Error alive while sleeping pays its stack.
import { contenders, type Wrap } from './contenders.js';

const [name = '', countText = '1000', shape = 'shared'] = process.argv.slice(2);
const count = Number(countText);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

/** The least a sleeping retry can hold: the failed call's promise, one timer, one pending promise. */
const bare: Wrap = (fn) => () => fn().catch(() => new Promise((resolve) => setTimeout(resolve, 60_000)).then(fn));
/** The same written as most people would: an async function awaiting the sleep in its catch. */
const bareAsync: Wrap = (fn) => async () => {
  try {
    return await fn();
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    return fn();
  }
};
const wrap = name === 'baseline' ? bare : name === 'baseline-async' ? bareAsync : contenders(1, 60_000).find(([contender]) => contender === name)?.[1];
if (wrap === undefined) throw new Error(`unknown contender ${name}`);

const busy = Object.assign(new Error('busy'), { status: 503 });
/** A client's error, made where a client makes it: a few frames below the call. */
const clientError = (): Error => Object.assign(new Error('Service Unavailable: the server is busy'), { status: 503 });
const parse = (): never => {
  throw clientError();
};
const request = (): never => parse();
let failures = 0;
const wrapped = wrap(
  shape === 'fresh'
    ? async () => {
        failures++;
        request();
      }
    : async () => {
        failures++;
        throw busy;
      },
);
const ignore = (): void => undefined;
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 50));
};

await settle();
gc();
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < count; i++) wrapped().catch(ignore);
while (failures < count) await new Promise((resolve) => setImmediate(resolve));
await settle(); // let every failure reach its backoff sleep
gc();
gc();
const after = process.memoryUsage().heapUsed;
const sleeping = process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
console.log(JSON.stringify({ bytesPerCall: (after - before) / count, sleeping }));
process.exit(0);
