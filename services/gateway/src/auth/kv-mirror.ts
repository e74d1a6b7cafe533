/**
 * An in-memory copy of a NATS KV bucket kept current by a watcher (DESIGN §5 buckets `auth_jwks`,
 * `auth_revocations`, `tenant_hosts`). Lookups are synchronous; `lookup` falls back to a direct get on a miss
 * (a key written a moment ago, before its watch update arrived) with a short negative cache, so made-up keys
 * cannot turn every request into a NATS round trip.
 */
import type { KV } from '@nats-io/kv';
import type { Logger } from '@duka/log';

const negativeTtlMs = 1_000;
const maxNegative = 10_000;

export class KvMirror {
  readonly #kv: KV;
  readonly #values = new Map<string, string>();
  readonly #missing = new Map<string, number>();
  #stop: (() => void) | undefined;
  #done: Promise<void> | undefined;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  /** Starts watching `kv` (current values first, then every change). */
  static async start(kv: KV, logger: Logger, name: string): Promise<KvMirror> {
    const mirror = new KvMirror(kv);
    const watch = await kv.watch();
    mirror.#stop = () => watch.stop();
    mirror.#done = (async () => {
      try {
        for await (const e of watch) {
          if (e.operation === 'PUT') {
            mirror.#values.set(e.key, e.string());
            mirror.#missing.delete(e.key);
          } else mirror.#values.delete(e.key);
        }
      } catch (err) {
        logger.error({ err, bucket: name }, 'KV watch ended');
      }
    })();
    return mirror;
  }

  /** The mirrored value (no I/O). */
  get(key: string): string | undefined {
    return this.#values.get(key);
  }

  /** The mirrored value, or a direct read when the mirror has not seen the key yet. */
  async lookup(key: string): Promise<string | undefined> {
    const known = this.#values.get(key);
    if (known !== undefined) return known;
    return this.refresh(key);
  }

  /** Reads `key` from the bucket now (unless it was found missing in the last second). */
  async refresh(key: string): Promise<string | undefined> {
    const missingUntil = this.#missing.get(key);
    if (missingUntil !== undefined && missingUntil > Date.now()) return undefined;
    let entry;
    try {
      entry = await this.#kv.get(key);
    } catch {
      return undefined; // not a valid KV key: nothing can be stored under it
    }
    if (entry && entry.operation === 'PUT') {
      const value = entry.string();
      this.#values.set(key, value);
      return value;
    }
    if (this.#missing.size >= maxNegative) this.#missing.clear();
    this.#missing.set(key, Date.now() + negativeTtlMs);
    return undefined;
  }

  async stop(): Promise<void> {
    this.#stop?.();
    await this.#done;
  }
}
