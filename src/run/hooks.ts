/**
 * Calls a user hook without letting it break the retry loop: a logging hook that throws must not
 * turn a recoverable call into a failure, nor hide the call's real outcome. The exception is
 * reported as a process warning instead of being dropped.
 */
export function callHook<A>(name: string, hook: ((arg: A) => void) | undefined, arg: A): void {
  if (hook === undefined) return;
  try {
    hook(arg);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    globalThis.process?.emitWarning?.(`retry-table: the ${name} hook threw and was ignored: ${detail}`, 'RetryTableHookWarning');
  }
}
