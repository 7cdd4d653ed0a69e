/**
 * A map that keeps at most about `max` entries without a timer or an eviction per entry: when
 * the newer half fills, the older half is dropped whole. (Evicting the oldest key of one Map, one
 * at a time, makes every eviction skip the holes the earlier ones left.) A key read from the older
 * half moves to the newer.
 */
export class BoundedMap<V> {
  private newer = new Map<string, V>();
  private older = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const v = this.newer.get(key);
    if (v !== undefined) return v;
    const old = this.older.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  getOr(key: string, make: () => V): V {
    let v = this.get(key);
    if (v === undefined) {
      v = make();
      this.set(key, v);
    }
    return v;
  }

  delete(key: string): void {
    this.newer.delete(key);
    this.older.delete(key);
  }

  set(key: string, v: V): void {
    if (this.newer.size >= this.max / 2) {
      this.older = this.newer;
      this.newer = new Map();
    }
    this.newer.set(key, v);
  }
}
