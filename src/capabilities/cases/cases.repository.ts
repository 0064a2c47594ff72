import type { Collection, Db } from 'mongodb';
import type { Write } from '../../core/unit-of-work';
import { fromStored } from '../../infra/db/journal';
import { readVersioned } from '../../infra/db/versioned';
import type { CaseCountRow, CaseScope, CasesRepository, CodedCase } from './cases.ports';
import type { CaseRecord } from './cases.types';
import { CLOSED_STATUSES, FREE_TEXT_FIELDS } from './cases.types';
import { involves, pseudonymizeCase } from './cases.privacy';

type CaseDoc = CaseRecord & { _id: string };
/** The claim of one version of a case, with the state it sets (so a half-done change rolls forward). */
interface VersionDoc {
  _id: string;
  tenantId: string;
  code: string;
  version: number;
  state: CaseRecord;
}

const CASES = 'cases';
const CASE_VERSIONS = 'caseVersions';

const caseKey = (tenantId: string, code: string) => `${tenantId}:${code}`;
const versionKey = (tenantId: string, code: string, version: number) =>
  `${tenantId}:${code}#${version}`;

/**
 * Cases on MongoDB / FerretDB v1. Both the code of a new case and each later change are claimed
 * with a unique insert (the one write FerretDB v1 makes atomic): `cases._id` is tenant + code, and
 * a change first inserts `caseVersions._id` = tenant + code + new version, then writes the case.
 */
export class MongoCasesRepository implements CasesRepository {
  private readonly cases: Collection<CaseDoc>;
  private readonly versions: Collection<VersionDoc>;

  constructor(db: Db) {
    this.cases = db.collection<CaseDoc>(CASES);
    this.versions = db.collection<VersionDoc>(CASE_VERSIONS);
  }

  async init(): Promise<void> {
    await this.cases.createIndex({ tenantId: 1, forumId: 1, year: 1, sequence: -1 });
    await this.cases.createIndex({ tenantId: 1, submittedBy: 1, createdAt: -1 });
    await this.cases.createIndex({ tenantId: 1, meetingId: 1 });
    await this.versions.createIndex({ tenantId: 1, code: 1, version: -1 });
    await this.cases.createIndex({ tenantId: 1, periods: 1 });
  }

  async countCases(tenantId: string, scope: CaseScope): Promise<CaseCountRow[]> {
    const match = matchOf(tenantId, scope);
    const endBy = 'endBy' in scope ? scope.endBy : scope.to;
    // Two passes (FerretDB v1 reads the whole collection for each): the coded fields, and the
    // dates. Groups hold whole concern arrays (FerretDB v1 drops the other keys of a compound
    // group _id after $unwind); the rows are spread here.
    type Group = { _id: Record<string, unknown>; n: number };
    const [codes, dates] = await Promise.all([
      this.cases
        .aggregate<Group>([
          { $match: match },
          {
            $group: {
              _id: {
                f: '$forumId',
                o: '$raisingOrganisation',
                s: '$status',
                a: '$ageBand',
                c: '$concerns',
                u: '$outcome',
                d: '$discussedDays',
              },
              n: { $sum: 1 },
            },
          },
        ])
        .toArray(),
      this.cases
        .aggregate<Group>([
          { $match: match },
          {
            $group: {
              _id: {
                f: '$forumId',
                o: '$raisingOrganisation',
                s: '$status',
                r: '$raisedOn',
                e: '$endedOn',
              },
              n: { $sum: 1 },
            },
          },
        ])
        .toArray(),
    ]);
    const rows: CaseCountRow[] = [];
    const row = (g: Group, kind: CaseCountRow['kind'], key: unknown) => {
      if (typeof key === 'string' || typeof key === 'number')
        rows.push({
          forumId: String(g._id.f),
          org: String(g._id.o),
          kind,
          key: String(key),
          n: g.n,
        });
    };
    for (const g of codes) {
      row(g, 'status', g._id.s);
      row(g, 'ageBand', g._id.a);
      for (const c of Array.isArray(g._id.c) ? (g._id.c as unknown[]) : []) row(g, 'concern', c);
      row(g, 'outcome', g._id.u);
      row(g, 'days', g._id.d);
    }
    for (const g of dates) {
      row(g, 'raisedOn', g._id.r);
      if (typeof g._id.e === 'string' && g._id.e <= endBy) row(g, 'endedBy', g._id.s);
    }
    return rows;
  }

  async codedCases(tenantId: string, scope: CaseScope): Promise<CodedCase[]> {
    const docs = await this.cases
      .find(matchOf(tenantId, scope), {
        // Codes and dates only: the free-text fields never leave the database here.
        projection: {
          code: 1,
          forumId: 1,
          raisingOrganisation: 1,
          ageBand: 1,
          concerns: 1,
          urgency: 1,
          status: 1,
          outcome: 1,
          raisedOn: 1,
          discussedDays: 1,
          endedOn: 1,
        },
      })
      .sort({ _id: 1 })
      .toArray();
    return docs.map((d) => ({
      code: d.code,
      forumId: d.forumId,
      organisation: d.raisingOrganisation,
      ageBand: d.ageBand,
      concerns: [...(d.concerns ?? [])],
      urgency: d.urgency,
      status: d.status,
      outcome: d.outcome ?? '',
      raisedOn: d.raisedOn ?? '',
      discussedDays: d.discussedDays ?? null,
      endedOn: d.endedOn ?? '',
    }));
  }

  async maxSequence(tenantId: string, forumId: string, year: number): Promise<number> {
    const top = await this.cases
      .find({ tenantId, forumId, year }, { projection: { sequence: 1 } })
      .sort({ sequence: -1 })
      .limit(1)
      .toArray();
    return top[0]?.sequence ?? 0;
  }

  insertWrite(record: CaseRecord): Write {
    return {
      mode: 'claim',
      collection: CASES,
      id: caseKey(record.tenantId, record.code),
      doc: { ...record },
    };
  }

  async get(tenantId: string, code: string): Promise<CaseRecord | null> {
    const doc = await readVersioned(
      this.cases,
      this.versions as never,
      caseKey(tenantId, code),
      tenantId,
      code,
    );
    return doc ? toRecord(doc) : null;
  }

  async listByMeeting(tenantId: string, meetingId: string): Promise<CaseRecord[]> {
    const docs = await this.cases
      .find({ tenantId, meetingId })
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
    // Read each through get(), which finishes a half-done change, and keep those still here.
    const settled = await Promise.all(docs.map((d) => this.get(tenantId, d.code)));
    return settled.filter((r): r is CaseRecord => r !== null && r.meetingId === meetingId);
  }

  async listBySubmitter(
    tenantId: string,
    aadObjectId: string,
    limit: number,
  ): Promise<CaseRecord[]> {
    const docs = await this.cases
      .find({ tenantId, submittedBy: aadObjectId })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .toArray();
    return docs.map(toRecord);
  }

  versionWrites(next: CaseRecord): Write[] {
    return [
      {
        mode: 'claim',
        collection: CASE_VERSIONS,
        id: versionKey(next.tenantId, next.code, next.version),
        doc: { tenantId: next.tenantId, code: next.code, version: next.version, state: next },
      },
      {
        mode: 'replace',
        collection: CASES,
        id: caseKey(next.tenantId, next.code),
        doc: { ...next },
      },
    ];
  }

  async closedWithText(): Promise<CaseRecord[]> {
    const docs = await this.cases
      .find({ status: { $in: [...CLOSED_STATUSES] }, textPurgedAt: { $exists: false } })
      .toArray();
    return docs.map(toRecord);
  }

  async scrubVersions(tenantId: string, code: string): Promise<void> {
    const empty = Object.fromEntries(FREE_TEXT_FIELDS.map((f) => [`state.${f}`, '']));
    await this.versions.updateMany({ tenantId, code }, { $set: empty });
  }

  async listInvolving(tenantId: string, userId: string): Promise<CaseRecord[]> {
    // A scan of the tenant's cases: requests about a person are rare, and the history is an
    // array the query subset cannot filter on everywhere.
    const docs = await this.cases.find({ tenantId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map(toRecord).filter((r) => involves(r, userId));
  }

  async pseudonymizeVersions(
    tenantId: string,
    code: string,
    userId: string,
    pseudonym: string,
  ): Promise<void> {
    const docs = await this.versions.find({ tenantId, code }).toArray();
    for (const doc of docs) {
      const state = toRecord({ _id: doc._id, ...doc.state });
      if (!involves(state, userId)) continue;
      await this.versions.updateOne(
        { _id: doc._id },
        { $set: { state: pseudonymizeCase(state, userId, pseudonym) } },
      );
    }
  }
}

/** Cases counted under a period key, or raised within dates. */
function matchOf(tenantId: string, scope: CaseScope): Record<string, unknown> {
  return 'period' in scope
    ? { tenantId, periods: scope.period }
    : { tenantId, raisedOn: { $gte: scope.from, $lte: scope.to } };
}

function toRecord(doc: CaseDoc): CaseRecord {
  const d = fromStored(doc);
  return {
    ...d,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    ...(d.textPurgedAt ? { textPurgedAt: new Date(d.textPurgedAt) } : {}),
    history: d.history.map((h) => ({ ...h, at: new Date(h.at) })),
    ...(d.anonymityConfirmation
      ? {
          anonymityConfirmation: {
            ...d.anonymityConfirmation,
            at: new Date(d.anonymityConfirmation.at),
          },
        }
      : {}),
  };
}
