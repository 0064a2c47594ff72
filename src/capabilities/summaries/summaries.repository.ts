import type { Collection, Db } from 'mongodb';
import { fromStored } from '../../infra/db/journal';
import { insertUnique, isDuplicateKey, upsertRacing } from '../../infra/db/mongo';
import type { CounterDoc, TermSummary } from './summaries.types';

const COUNTERS = 'summaryCounters';
const SUMMARIES = 'termSummaries';
const EXPORTS = 'summaryExports';
const RUNS = 'summaryRuns';
const COUNTED = 'summaryCounted';
const FACTS = 'summaryFacts';

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
 * Counters, the markers of counted events, the last known facts (outcomes, deviations), stored
 * summaries, exports and the term-end runs. Every read on a hot path is by `_id`.
 */
export class MongoSummariesRepository {
  private readonly counters: Collection<CounterDoc>;
  private readonly summaries: Collection<SummaryDoc>;
  private readonly exports: Collection<SummaryExportDoc>;
  private readonly runs: Collection<{ _id: string; at: Date }>;
  private readonly counted: Collection<{ _id: string; at: Date }>;
  private readonly facts: Collection<{ _id: string; fact: unknown }>;

  constructor(db: Db) {
    this.counters = db.collection<CounterDoc>(COUNTERS);
    this.summaries = db.collection<SummaryDoc>(SUMMARIES);
    this.exports = db.collection<SummaryExportDoc>(EXPORTS);
    this.runs = db.collection(RUNS);
    this.counted = db.collection(COUNTED);
    this.facts = db.collection(FACTS);
  }

  async init(): Promise<void> {
    await this.exports.createIndex({ expiresAt: 1 });
  }

  /** Adds `inc` (paths → numbers, negative to take back) to one period's counters of a forum. */
  async increment(
    key: { tenantId: string; period: string; forumId: string },
    inc: Readonly<Record<string, number>>,
  ): Promise<void> {
    const _id = counterId(key.tenantId, key.period, key.forumId);
    const nonZero = Object.fromEntries(Object.entries(inc).filter(([, n]) => n !== 0));
    if (Object.keys(nonZero).length === 0) return;
    await upsertRacing(() =>
      this.counters.updateOne(
        { _id },
        { $inc: nonZero, $setOnInsert: { ...key } },
        { upsert: true },
      ),
    );
  }

  /**
   * Claims the counting of one event by one subscriber (a unique insert: atomic on every
   * backend): false when it was counted before. The marker is written before the counts, so a
   * process dying in between loses a count (the recount finds and repairs it), never doubles one.
   */
  async claimEvent(id: string, at: Date): Promise<boolean> {
    try {
      await this.counted.insertOne({ _id: id, at });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  /** The last known state of something counted as a fact (an outcome, a deviation), by `_id`. */
  async getFact<T>(id: string): Promise<T | null> {
    const doc = await this.facts.findOne({ _id: id });
    return doc ? (doc.fact as T) : null;
  }

  async putFact(id: string, fact: unknown): Promise<void> {
    await upsertRacing(() => this.facts.replaceOne({ _id: id }, { fact }, { upsert: true }));
  }

  /** Sets facts (paths → values) and removes others; creates the document when needed. */
  async setFacts(
    key: { tenantId: string; period: string; forumId: string },
    set: Readonly<Record<string, unknown>>,
    unset: readonly string[] = [],
  ): Promise<void> {
    const _id = counterId(key.tenantId, key.period, key.forumId);
    // A forum's first facts of a period are inserted (on FerretDB v1 an insert costs the same
    // whatever the collection's size, an update does not); one found there is updated.
    const plain = unset.length === 0 && Object.keys(set).every((k) => !k.includes('.'));
    if (plain && !(await this.counters.findOne({ _id }, { projection: { _id: 1 } }))) {
      const doc = { ...set, ...key, _id } as unknown as CounterDoc;
      if (await insertUnique(this.counters, doc)) return;
    }
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

  /** The counter documents by `_id`, in one query (missing ones are left out). */
  async read(ids: readonly string[]): Promise<CounterDoc[]> {
    if (ids.length === 0) return [];
    return this.counters.find({ _id: { $in: [...ids] } }).toArray();
  }

  async readOne(id: string): Promise<CounterDoc | null> {
    return this.counters.findOne({ _id: id });
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
