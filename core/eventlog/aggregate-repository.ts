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

interface Pending<C, S> {
  readonly command: C;
  readonly metadata: EventMetadata;
  readonly assumeNew: boolean;
  resolve(h: Handled<S>): void;
  reject(err: unknown): void;
}

/** Most commands decided and appended together: a long chain of publishes would starve another instance racing on the aggregate. */
const MAX_GROUP = 32;

/**
 * Runs commands against one aggregate type: decide on the newest known state, append with the
 * expected version, and on a conflict catch up and decide again (bounded). States are cached per
 * process so a busy aggregate (a batch settling thousands of jobs) is not re-read on every command:
 * the version check makes a stale cache safe, and catching up reads only the newer events.
 *
 * Commands for one aggregate run one group at a time in this process, so they do not conflict with
 * each other; the commands that queue up meanwhile (a batch's settles, a job's render and
 * transcript) form the next group: each is decided on the state the previous ones leave, and all
 * their events go out in one append, so a hot aggregate costs one state read and one decision per
 * group rather than per command. The append is chained, not atomic (EventStore.append): a writer
 * slipping in between two of its events makes the rest conflict, and the whole group is decided
 * again on the newer state, which the deciders answer without repeating what was stored (a settle
 * already recorded adds nothing). A command the aggregate refuses fails alone.
 */
export class AggregateRepository<C, E extends DomainEvent, S> {
  private readonly cache = new Map<string, Cached<S>>();
  /** Commands waiting per aggregate; an aggregate with an entry here has a drain loop running. */
  private readonly mailboxes = new Map<string, Pending<C, S>[]>();

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
    return new Promise<Handled<S>>((resolve, reject) => {
      const pending = { command, metadata, assumeNew: o.assumeNew ?? false, resolve, reject };
      const box = this.mailboxes.get(id);
      if (box) return void box.push(pending);
      this.mailboxes.set(id, [pending]);
      // start on a microtask so commands issued in the same tick already share the first group
      queueMicrotask(() => void this.drain(id));
    });
  }

  private async drain(id: string) {
    const box = this.mailboxes.get(id)!;
    while (box.length > 0) {
      const group = box.splice(0, MAX_GROUP);
      try {
        await this.handleGroup(id, group);
      } catch (err) {
        for (const p of group) p.reject(err);
      }
    }
    this.mailboxes.delete(id);
  }

  private async handleGroup(id: string, group: readonly Pending<C, S>[]): Promise<void> {
    const maxRetries = this.opts.maxRetries ?? 8;
    let cached = this.cache.get(id);
    let fresh = false;
    if (!cached && group.every((p) => p.assumeNew)) cached = { state: this.decider.initialState(), version: 0 };
    if (!cached) {
      cached = await this.catchUp(id, undefined);
      fresh = true;
    }
    for (let attempt = 1; ; attempt++) {
      const d = this.decideGroup(group, cached.state, fresh);
      if (d === "stale") {
        cached = await this.catchUp(id, cached); // a stale cache must not refuse a valid command
        fresh = true;
        continue;
      }
      if (d.events.length === 0) {
        if (!fresh) {
          const before = cached.version;
          cached = await this.catchUp(id, cached);
          fresh = true;
          if (cached.version !== before) continue;
        }
        const at = cached;
        d.outcomes.forEach((o, i) => (o.error !== undefined ? group[i]!.reject(o.error) : group[i]!.resolve({ events: [], position: at.version, state: at.state })));
        return;
      }
      try {
        const res = await this.store.append(this.type, id, d.events, {
          expectedVersion: cached.version,
          metadata: group[0]!.metadata,
          metadataEach: d.metadata,
        });
        this.remember(id, { state: d.state, version: res.position });
        d.outcomes.forEach((o, i) => {
          if (o.error !== undefined) return group[i]!.reject(o.error);
          const events = res.events.slice(o.from, o.from + o.count);
          group[i]!.resolve({ events, position: events.at(-1)?.seq ?? res.position, state: o.state });
        });
        return;
      } catch (err) {
        if (!(err instanceof ConcurrencyConflictError)) throw err;
        // a group that stored part of its events before losing a race made progress: not a failed
        // attempt (several instances settling one batch would otherwise exhaust the retries)
        if (err.stored > 0) attempt--;
        else if (attempt >= maxRetries) throw new RetriesExhaustedError(`${this.type}.${id}`, attempt);
        cached = await this.catchUp(id, cached);
        fresh = true;
      }
    }
  }

  /** Decides each command on the state the ones before it leave; "stale" when a refusal may come from an old cache. */
  private decideGroup(group: readonly Pending<C, S>[], start: S, fresh: boolean) {
    let state = start;
    const events: E[] = [];
    const metadata: EventMetadata[] = [];
    const outcomes: { from: number; count: number; state: S; error?: unknown }[] = [];
    for (const p of group) {
      let decided: E[];
      try {
        decided = this.decider.decide(p.command, state);
      } catch (error) {
        if (!fresh) return "stale" as const;
        outcomes.push({ from: events.length, count: 0, state, error });
        continue;
      }
      for (const e of decided) state = this.decider.evolve(state, e);
      outcomes.push({ from: events.length, count: decided.length, state });
      events.push(...decided);
      for (const _ of decided) metadata.push(p.metadata);
    }
    return { events, metadata, outcomes, state };
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
