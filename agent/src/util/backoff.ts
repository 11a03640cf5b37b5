/**
 * Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS
 * architecture blog): delay = random(base/2 .. min(cap, base * 2^attempt)).
 */
export interface Backoff {
  /** The delay before the next attempt, in ms; each call counts one failed attempt. */
  next(): number;
  reset(): void;
}

export function backoff(opts: {baseMs?: number; capMs?: number; random?: () => number} = {}): Backoff {
  const base = opts.baseMs ?? 1000;
  const cap = opts.capMs ?? 30_000;
  const random = opts.random ?? Math.random;
  let attempt = 0;
  return {
    next() {
      const ceiling = Math.min(cap, base * 2 ** attempt);
      attempt = Math.min(attempt + 1, 30);
      const floor = Math.min(base / 2, ceiling);
      return Math.round(floor + random() * (ceiling - floor));
    },
    reset() {
      attempt = 0;
    },
  };
}

/** Sleep that ends early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, {once: true});
  });
}

export function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`;
}
