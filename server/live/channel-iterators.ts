import type { Channel } from "./channel";

/**
 * Iterators over a Channel for subscribe functions. Not async generators on purpose: a generator
 * waiting for its next value cannot be returned from until that value comes, so an unsubscribed
 * client would hold its channel until the next event; these close the channel at once.
 */
export function mapChannel<T, U>(channel: Channel<T>, f: (value: T) => U | null): AsyncIterableIterator<U> {
  return {
    async next(): Promise<IteratorResult<U>> {
      for (;;) {
        const r = await channel.next();
        if (r.done) return { value: undefined, done: true };
        const u = f(r.value);
        if (u !== null) return { value: u, done: false };
      }
    },
    return: () => closed(channel),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Yields `value()` once at once, then once per value of the channel but never sooner than
 * `minIntervalMs` after the previous one; values arriving meanwhile coalesce in the channel
 * (capacity 1), so the last change is always pushed, late by at most the interval.
 */
export function throttledSnapshots<C, T>(channel: Channel<C>, minIntervalMs: number, value: () => T): AsyncIterableIterator<T> {
  let last: number | null = null;
  let wake: (() => void) | null = null;
  let done = false;
  return {
    async next(): Promise<IteratorResult<T>> {
      if (last !== null) {
        if ((await channel.next()).done) return { value: undefined, done: true };
        const wait = last + minIntervalMs - Date.now();
        if (wait > 0)
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, wait).unref();
          });
        if (done) return { value: undefined, done: true };
      }
      last = Date.now();
      return { value: value(), done: false };
    },
    return() {
      done = true;
      wake?.();
      return closed(channel);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function closed<C, U>(channel: Channel<C>): Promise<IteratorResult<U>> {
  channel.close();
  return Promise.resolve({ value: undefined, done: true });
}
