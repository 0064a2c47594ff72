import type { Storage, StoreItems } from 'botbuilder';
import type { VersionedKvStore } from '../infra/db/versioned-kv.repository';

/**
 * botbuilder Storage on MongoDB that honours eTags: a write with a stale eTag throws
 * (ETagConflictError) instead of overwriting silently. Only conversation scratch data lives here.
 */
export class MongoTurnStateStorage implements Storage {
  constructor(private readonly store: VersionedKvStore) {}

  async read(keys: string[]): Promise<StoreItems> {
    const found = await this.store.read(keys);
    const items: StoreItems = {};
    for (const [key, { value, eTag }] of found) items[key] = { ...value, eTag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...value } = (item ?? {}) as Record<string, unknown> & { eTag?: unknown };
      await this.store.write(key, value, typeof eTag === 'string' ? eTag : undefined);
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) await this.store.delete(key);
  }
}
