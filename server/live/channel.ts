/**
 * A bounded async queue that a subscription iterates. When a slow client falls behind, the oldest
 * items are dropped (progress and batch state supersede each other), so memory stays bounded.
 * With `dedupe`, a value already waiting is not queued twice: a list of batch ids stays one entry
 * per batch however often it changes, so a large capacity is not needed to keep every id.
 */
export class Channel<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  /** The values in `buffer`, with `dedupe`: a membership test per push must not scan 10,000 ids. */
  private readonly queued: Set<T> | null;
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private closed = false;

  constructor(
    private readonly capacity: number,
    private readonly onClose: () => void = () => {},
    dedupe = false,
  ) {
    this.queued = dedupe ? new Set<T>() : null;
  }

  push(value: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value, done: false });
      return;
    }
    if (this.queued) {
      if (this.queued.has(value)) return;
      this.queued.add(value);
    }
    this.buffer.push(value);
    if (this.buffer.length > this.capacity) this.take();
  }

  next(): Promise<IteratorResult<T>> {
    const v = this.take();
    if (v !== undefined) return Promise.resolve({ value: v, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.length = 0;
    this.queued?.clear();
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
    this.onClose();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private take(): T | undefined {
    const v = this.buffer.shift();
    if (v !== undefined) this.queued?.delete(v);
    return v;
  }
}

/** Subscribers per key (batch id), each with its own channel. */
export class Topics<T> {
  private readonly byKey = new Map<string, Set<Channel<T>>>();
  private count = 0;

  subscribe(key: string, capacity: number, dedupe = false): Channel<T> {
    const set = this.byKey.get(key) ?? new Set<Channel<T>>();
    this.byKey.set(key, set);
    const ch: Channel<T> = new Channel<T>(
      capacity,
      () => {
        set.delete(ch);
        this.count--;
        if (set.size === 0) this.byKey.delete(key);
      },
      dedupe,
    );
    set.add(ch);
    this.count++;
    return ch;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  publish(key: string, value: T): void {
    for (const ch of this.byKey.get(key) ?? []) ch.push(value);
  }

  get size(): number {
    return this.count;
  }

  closeAll(): void {
    for (const set of [...this.byKey.values()]) for (const ch of [...set]) ch.close();
  }
}
