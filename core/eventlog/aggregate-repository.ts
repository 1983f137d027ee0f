import type { Decider } from "../../domain/shared/decider";
import type { AggregateType, DomainEvent, EventMetadata, RecordedEvent } from "../../domain/shared/envelope";
import { ConcurrencyConflictError, RetriesExhaustedError } from "./errors";
import type { EventStore } from "./event-store";

export interface Handled<S> {
  readonly events: readonly RecordedEvent[];
  /** Read-your-writes position: the last appended seq, or the aggregate's version when nothing was appended. */
  readonly position: number;
  readonly state: S;
}

interface Cached<S> {
  state: S;
  version: number;
}

/**
 * Runs commands against one aggregate type: decide on the newest known state, append with the
 * expected version, and on a conflict catch up and decide again (bounded). States are cached per
 * process so a busy aggregate (a batch settling thousands of jobs) is not re-read on every command:
 * the version check makes a stale cache safe, and catching up reads only the newer events.
 */
export class AggregateRepository<C, E extends DomainEvent, S> {
  private readonly cache = new Map<string, Cached<S>>();
  /** Commands for one aggregate run one at a time in this process, so they do not conflict with each other. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<C, E, S>,
    private readonly type: AggregateType,
    private readonly opts: { maxRetries?: number; cacheSize?: number } = {},
  ) {}

  async load(id: string): Promise<{ state: S; version: number }> {
    const c = await this.catchUp(id, this.cache.get(id));
    return { state: c.state, version: c.version };
  }

  /**
   * `assumeNew` skips the initial read for an aggregate the caller expects not to exist yet (the
   * workflow queueing jobs): the append checks "subject must be new", and a conflict means it existed.
   */
  handle(id: string, command: C, metadata: EventMetadata, o: { assumeNew?: boolean } = {}): Promise<Handled<S>> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const run = previous.then(
      () => this.handleNow(id, command, metadata, o),
      () => this.handleNow(id, command, metadata, o),
    );
    this.queues.set(id, run);
    const cleanup = () => {
      if (this.queues.get(id) === run) this.queues.delete(id);
    };
    run.then(cleanup, cleanup);
    return run;
  }

  private async handleNow(id: string, command: C, metadata: EventMetadata, o: { assumeNew?: boolean }): Promise<Handled<S>> {
    const maxRetries = this.opts.maxRetries ?? 8;
    let cached = this.cache.get(id);
    let fresh = false;
    if (!cached && o.assumeNew) cached = { state: this.decider.initialState(), version: 0 };
    if (!cached) {
      cached = await this.catchUp(id, undefined);
      fresh = true;
    }
    for (let attempt = 1; ; attempt++) {
      let events: E[];
      try {
        events = this.decider.decide(command, cached.state);
      } catch (err) {
        if (fresh) throw err;
        cached = await this.catchUp(id, cached); // a stale cache must not refuse a valid command
        fresh = true;
        continue;
      }
      if (events.length === 0) {
        if (!fresh) {
          const before = cached.version;
          cached = await this.catchUp(id, cached);
          fresh = true;
          if (cached.version !== before) continue;
        }
        return { events: [], position: cached.version, state: cached.state };
      }
      try {
        const res = await this.store.append(this.type, id, events, {
          expectedVersion: cached.version,
          metadata,
        });
        const state = events.reduce((s, e) => this.decider.evolve(s, e), cached.state);
        this.remember(id, { state, version: res.position });
        return { events: res.events, position: res.position, state };
      } catch (err) {
        if (!(err instanceof ConcurrencyConflictError)) throw err;
        if (attempt >= maxRetries) throw new RetriesExhaustedError(`${this.type}.${id}`, attempt);
        cached = await this.catchUp(id, cached);
        fresh = true;
      }
    }
  }

  private async catchUp(id: string, from: Cached<S> | undefined): Promise<Cached<S>> {
    const base = from ?? { state: this.decider.initialState(), version: 0 };
    const loaded = await this.store.load(this.type, id, base.version);
    const state = loaded.events.reduce((s, e) => this.decider.evolve(s, e as unknown as E), base.state);
    const c = { state, version: loaded.version };
    this.remember(id, c);
    return c;
  }

  private remember(id: string, c: Cached<S>) {
    this.cache.delete(id);
    this.cache.set(id, c);
    const max = this.opts.cacheSize ?? 10_000;
    if (this.cache.size > max) this.cache.delete(this.cache.keys().next().value as string);
  }
}
