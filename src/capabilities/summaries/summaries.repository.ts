import type { Collection, Db } from 'mongodb';
import { fromStored } from '../../infra/db/journal';
import { isDuplicateKey, upsertRacing } from '../../infra/db/mongo';
import type { CounterDoc, TermSummary } from './summaries.types';

const COUNTERS = 'summaryCounters';
const SUMMARIES = 'termSummaries';
const EXPORTS = 'summaryExports';
const RUNS = 'summaryRuns';

/** `<tenant>:<period>:<forum>`: every counter read is by `_id` (FerretDB scans on anything else). */
export const counterId = (tenantId: string, period: string, forumId: string): string =>
  `${tenantId}:${period}:${forumId}`;
export const summaryId = (tenantId: string, period: string, scope: string): string =>
  `${tenantId}:${period}:${scope}`;

type SummaryDoc = TermSummary & { _id: string };

/** A prepared export file (CSV text, or XLSX as base64), whose user asked, until when. */
export interface SummaryExportDoc {
  _id: string;
  tenantId: string;
  actorId: string;
  createdAt: Date;
  expiresAt: Date;
  filename: string;
  contentType: string;
  /** CSV text, or the XLSX bytes in base64. */
  body: string;
  encoding: 'utf8' | 'base64';
}

/** Keys that may become field names: codes and dates only (no dots, no `$`). */
const SAFE_KEY = /^[A-Za-z0-9_-]{1,64}$/;
export const safeKey = (key: string): boolean => SAFE_KEY.test(key);

/**
 * Counters, stored summaries, exports and the term-end runs. Counter writes come in two kinds:
 * `$inc` guarded by the event's id in the same document (one write: counted once, even when the
 * event is delivered again), and `$set` of facts keyed by their own id (idempotent by nature).
 */
export class MongoSummariesRepository {
  private readonly counters: Collection<CounterDoc>;
  private readonly summaries: Collection<SummaryDoc>;
  private readonly exports: Collection<SummaryExportDoc>;
  private readonly runs: Collection<{ _id: string; at: Date }>;

  constructor(db: Db) {
    this.counters = db.collection<CounterDoc>(COUNTERS);
    this.summaries = db.collection<SummaryDoc>(SUMMARIES);
    this.exports = db.collection<SummaryExportDoc>(EXPORTS);
    this.runs = db.collection(RUNS);
  }

  async init(): Promise<void> {
    await this.exports.createIndex({ expiresAt: 1 });
  }

  /** Adds `inc` once per event: false when this event was already counted here. */
  async increment(
    key: { tenantId: string; period: string; forumId: string },
    eventId: string,
    inc: Readonly<Record<string, number>>,
  ): Promise<boolean> {
    const _id = counterId(key.tenantId, key.period, key.forumId);
    try {
      await this.counters.updateOne(
        { _id, applied: { $ne: eventId } },
        { $inc: { ...inc }, $push: { applied: eventId }, $setOnInsert: { ...key } },
        { upsert: true },
      );
      return true;
    } catch (e) {
      // The document exists and lists the event (the filter missed, the upsert hit its _id).
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  /** Sets facts (paths → values) and removes others; creates the document when needed. */
  async setFacts(
    key: { tenantId: string; period: string; forumId: string },
    set: Readonly<Record<string, unknown>>,
    unset: readonly string[] = [],
  ): Promise<void> {
    const _id = counterId(key.tenantId, key.period, key.forumId);
    await upsertRacing(() =>
      this.counters.updateOne(
        { _id },
        {
          $set: { ...set, ...key },
          ...(unset.length ? { $unset: Object.fromEntries(unset.map((p) => [p, ''])) } : {}),
        },
        { upsert: true },
      ),
    );
  }

  /** The counter documents by `_id` (missing ones are left out); without the event ids. */
  async read(ids: readonly string[]): Promise<CounterDoc[]> {
    const docs = await Promise.all(
      ids.map((_id) => this.counters.findOne({ _id }, { projection: { applied: 0 } })),
    );
    return docs.filter((d): d is CounterDoc => d !== null);
  }

  async readOne(id: string): Promise<CounterDoc | null> {
    return this.counters.findOne({ _id: id }, { projection: { applied: 0 } });
  }

  async saveSummary(summary: TermSummary): Promise<void> {
    const _id = summaryId(summary.tenantId, summary.period, summary.scope);
    await upsertRacing(() => this.summaries.replaceOne({ _id }, { ...summary }, { upsert: true }));
  }

  async getSummary(tenantId: string, period: string, scope: string): Promise<TermSummary | null> {
    const doc = await this.summaries.findOne({ _id: summaryId(tenantId, period, scope) });
    return doc ? { ...fromStored(doc), compiledAt: new Date(doc.compiledAt) } : null;
  }

  async insertExport(doc: SummaryExportDoc): Promise<void> {
    await this.exports.insertOne(doc);
  }

  /** The export with this id while it has not expired (by `_id`). */
  async findLiveExport(id: string, now: Date): Promise<SummaryExportDoc | null> {
    const doc = await this.exports.findOne({ _id: id });
    return doc && doc.expiresAt > now ? doc : null;
  }

  async deleteExpiredExports(now: Date): Promise<number> {
    return (await this.exports.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }

  async runDone(id: string): Promise<boolean> {
    return (await this.runs.findOne({ _id: id })) !== null;
  }

  async markRunDone(id: string, at: Date): Promise<void> {
    try {
      await this.runs.insertOne({ _id: id, at });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
  }
}
