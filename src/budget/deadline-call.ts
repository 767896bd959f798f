/**
 * What became of one call given a deadline: its reply, or that it was given up on (with why).
 *
 * @example
 * ```ts
 * const answer: DeadlineAnswer<string> = { answered: true, reply: 'OK' };
 * ```
 */
export type DeadlineAnswer<T> = { readonly answered: true; readonly reply: T } | { readonly answered: false; readonly error: unknown };

/**
 * Runs `send` and waits for its reply at most `timeoutMs`; after that, answers "not answered" and
 * hands a reply that still comes to `onLate`, so the caller can account for it (a late rejection
 * is swallowed: nobody waits for it, and it must not become an unhandled rejection).
 *
 * The timer firing does not decide at once. Timers run before the event loop polls for I/O, so
 * when this process was busy (a long synchronous task, a GC pause) past the deadline, a reply
 * that arrived in time is sitting unread in the socket when the timer fires: one `setImmediate`
 * turn lets the poll phase read it, and the reply is used. Only a reply still missing after that
 * is a Redis failure. A slow event loop is this process's problem, not Redis's.
 *
 * @example
 * ```ts
 * const answer = await callWithDeadline(() => redis.eval(READ, 1, key), 250, (late) => count(late));
 * if (!answer.answered) useFallback(answer.error);
 * ```
 */
export function callWithDeadline<T>(send: () => Promise<T>, timeoutMs: number, onLate: (reply: T) => void): Promise<DeadlineAnswer<T>> {
  return new Promise((resolve) => {
    let decided = false;
    const decide = (answer: DeadlineAnswer<T>): void => {
      if (decided) return;
      decided = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const timer = setTimeout(() => {
      setImmediate(() => decide({ answered: false, error: new Error(`Redis did not answer within ${timeoutMs} ms`) }));
    }, timeoutMs);
    // The timer alone must not keep a process alive that has nothing else to do.
    timer.unref?.();
    let sent: Promise<T>;
    try {
      sent = send();
    } catch (error) {
      decide({ answered: false, error });
      return;
    }
    sent.then(
      (reply) => {
        if (!decided) return decide({ answered: true, reply });
        try {
          onLate(reply);
        } catch {
          // Accounting for a late reply must never become an unhandled rejection on its own.
        }
      },
      (error: unknown) => decide({ answered: false, error }),
    );
  });
}
