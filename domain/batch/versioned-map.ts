/**
 * An immutable map whose `set`/`delete` cost O(1) when applied to the newest version, so folding a
 * batch's thousands of BatchJobSettled events is linear instead of copying a Map per event.
 * Every version shares one write log: each key keeps its history of (version, value) and a view
 * reads the newest entry not newer than itself, so older views never see later writes (pure for
 * every holder). Writing to an older view (a branch, e.g. a re-fold after a conflict) copies the
 * view once into a fresh log: O(n), and rare. Values are never `undefined` (that marks a delete).
 */
interface WriteLog<K, V> {
  readonly history: Map<K, { ver: number; value: V | undefined }[]>;
  head: number;
}

export class VersionedMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly log: WriteLog<K, V>,
    private readonly ver: number,
    readonly size: number,
  ) {}

  static empty<K, V>(): VersionedMap<K, V> {
    return new VersionedMap<K, V>({ history: new Map(), head: 0 }, 0, 0);
  }

  get(key: K): V | undefined {
    const h = this.log.history.get(key);
    if (!h) return undefined;
    for (let i = h.length - 1; i >= 0; i--) if (h[i]!.ver <= this.ver) return h[i]!.value;
    return undefined;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): VersionedMap<K, V> {
    return this.write(key, value);
  }

  delete(key: K): VersionedMap<K, V> {
    return this.has(key) ? this.write(key, undefined) : this;
  }

  private write(key: K, value: V | undefined): VersionedMap<K, V> {
    const base = this.ver === this.log.head ? this : this.fork();
    const had = base.has(key);
    const ver = ++base.log.head;
    const h = base.log.history.get(key);
    if (h) h.push({ ver, value });
    else base.log.history.set(key, [{ ver, value }]);
    const size = base.size + (value === undefined ? (had ? -1 : 0) : had ? 0 : 1);
    return new VersionedMap(base.log, ver, size);
  }

  private fork(): VersionedMap<K, V> {
    const history = new Map<K, { ver: number; value: V | undefined }[]>();
    for (const [k, v] of this) history.set(k, [{ ver: 0, value: v }]);
    return new VersionedMap({ history, head: 0 }, 0, this.size);
  }

  *entries(): MapIterator<[K, V]> {
    for (const k of this.log.history.keys()) {
      const v = this.get(k);
      if (v !== undefined) yield [k, v];
    }
  }

  *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}
