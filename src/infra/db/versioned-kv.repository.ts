import type { Collection, Db } from 'mongodb';
import type { Clock } from '../../core/clock';
import { isDuplicateKey } from './mongo';

/**
 * A key-value store with optimistic concurrency that is correct on FerretDB v1 too, where
 * conditional updates are not atomic across connections. Every write inserts a new version
 * document `<key>@<v>`; the unique `_id` makes "write version v+1" a compare-and-swap. Reads take
 * the highest version. Old versions are removed once they are older than `keepMs`, far longer
 * than any turn holds an eTag. A delete writes a tombstone version.
 */
export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`eTag conflict on ${key}`);
    this.name = 'ETagConflictError';
  }
}

interface VersionDoc {
  _id: string;
  key: string;
  v: number;
  /**
   * The value as JSON text: turn state is opaque SDK data whose field names may contain '.' or
   * start with '$', which MongoDB-protocol servers reject or mangle as document keys.
   */
  state: string | null;
  savedAt: Date;
}

export interface VersionedValue {
  value: Record<string, unknown>;
  eTag: string;
}

const MAX_BLIND_RETRIES = 20;

export class VersionedKvStore {
  private readonly col: Collection<VersionDoc>;

  constructor(
    db: Db,
    private readonly clock: Clock,
    collectionName = 'botState',
    private readonly keepMs = 10 * 60_000,
  ) {
    this.col = db.collection<VersionDoc>(collectionName);
  }

  async init(): Promise<void> {
    await this.col.createIndex({ key: 1, v: -1 });
  }

  async read(keys: readonly string[]): Promise<Map<string, VersionedValue>> {
    const out = new Map<string, VersionedValue>();
    if (keys.length === 0) return out;
    const docs = await this.col
      .find({ key: { $in: [...keys] } })
      .sort({ key: 1, v: -1 })
      .toArray();
    const seen = new Set<string>();
    for (const doc of docs) {
      if (seen.has(doc.key)) continue;
      seen.add(doc.key);
      if (doc.state !== null)
        out.set(doc.key, {
          value: JSON.parse(doc.state) as Record<string, unknown>,
          eTag: String(doc.v),
        });
    }
    return out;
  }

  /**
   * Writes `value`. With an eTag other than '*', the write succeeds only if the stored version
   * is still that one; otherwise ETagConflictError. Returns the new eTag.
   */
  async write(key: string, value: Record<string, unknown> | null, eTag?: string): Promise<string> {
    if (eTag !== undefined && eTag !== '*') {
      const expected = Number(eTag);
      const latest = await this.latestVersion(key);
      if (!Number.isInteger(expected) || latest !== expected) throw new ETagConflictError(key);
      if (!(await this.insertVersion(key, expected + 1, value))) throw new ETagConflictError(key);
      return String(expected + 1);
    }
    for (let attempt = 0; attempt < MAX_BLIND_RETRIES; attempt++) {
      const next = (await this.latestVersion(key)) + 1;
      if (await this.insertVersion(key, next, value)) return String(next);
    }
    throw new ETagConflictError(key);
  }

  async delete(key: string): Promise<void> {
    if ((await this.latestVersion(key)) === 0) return;
    await this.write(key, null);
  }

  private async latestVersion(key: string): Promise<number> {
    const [doc] = await this.col
      .find({ key }, { projection: { v: 1 } })
      .sort({ v: -1 })
      .limit(1)
      .toArray();
    return doc?.v ?? 0;
  }

  private async insertVersion(
    key: string,
    v: number,
    state: Record<string, unknown> | null,
  ): Promise<boolean> {
    const now = this.clock.now();
    try {
      await this.col.insertOne({
        _id: `${key}@${v}`,
        key,
        v,
        state: state === null ? null : JSON.stringify(state),
        savedAt: now,
      });
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
    await this.col.deleteMany({
      key,
      v: { $lt: v },
      savedAt: { $lt: new Date(now.getTime() - this.keepMs) },
    });
    return true;
  }
}
