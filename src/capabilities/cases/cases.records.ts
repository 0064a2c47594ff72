import type { Actor } from '../../core/actor';
import { auditEntry } from '../../core/audit';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import { instantToLocalDate } from '../calendar';
import { newUnitId, type Unit, type UnitOfWork } from '../../core/unit-of-work';
import type { CasesRepository } from './cases.ports';
import type { CaseAction, CaseRecord, CaseStatus, Outcome } from './cases.types';

/**
 * How the case records are written: codes claimed by unique inserts, changes by compare-and-swap,
 * each in one unit of work with its audit entry and its event (all of them, or after a crash and
 * recovery all of them, or nothing).
 */
export interface RecordDeps {
  repo: CasesRepository;
  units: UnitOfWork;
  clock: Clock;
}

/** What a new case's unit adds besides the case: the once-only action's result, if any. */
export interface NewCaseUnit {
  /** The once-only operation that raises the case (its id is the unit's), or none. */
  operationId?: string | undefined;
  /** The action's result to record, from the record as stored (its code). */
  result(record: CaseRecord): Readonly<Record<string, string>>;
  auditDetail: Readonly<Record<string, string | number | boolean>>;
}

const MAX_CODE_ATTEMPTS = 25;
/** Follow-up dates are Swedish municipal days. */
const FOLLOW_UP_ZONE = 'Europe/Stockholm';

/** `FOS-26-014`: forum code, two-digit year, sequence (at least three digits). */
export function caseCode(forumCode: string, year: number, sequence: number): string {
  const yy = String(year % 100).padStart(2, '0');
  return `${forumCode}-${yy}-${String(sequence).padStart(3, '0')}`;
}

/**
 * Inserts the case under the next free code of its forum and year. The insert of a code is
 * unique (atomic on every backend), so two concurrent submissions never share a code: the loser
 * of a race moves on to the next number.
 */
export async function insertWithCode(
  { repo, units }: RecordDeps,
  actor: Actor,
  forumCode: string,
  base: Omit<CaseRecord, 'code' | 'sequence'>,
  unit: NewCaseUnit,
): Promise<CaseRecord> {
  const max = () => repo.maxSequence(base.tenantId, base.forumId, base.year);
  const id = unit.operationId ?? newUnitId('case.submit');
  let sequence = (await max()) + 1;
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    const record: CaseRecord = {
      ...base,
      code: caseCode(forumCode, base.year, sequence),
      sequence,
    };
    const outcome = await units.commit({
      id,
      writes: [repo.insertWrite(record)],
      audit: [caseAudit(actor, base.createdAt, 'case.submit', record, unit.auditDetail)],
      events: [
        {
          type: 'case.submitted',
          tenantId: record.tenantId,
          data: {
            code: record.code,
            forumId: record.forumId,
            meetingId: record.meetingId,
            by: record.submittedBy,
          },
        },
      ],
      ...(unit.operationId
        ? { operation: { id: unit.operationId, verb: 'cases.submit', result: unit.result(record) } }
        : {}),
    });
    if (outcome.committed) {
      // A unit with this id was still in the journal (an earlier attempt of the same operation,
      // left by a process that died or outlived its lease): the journal completed that one, so
      // the case stored is the one its event names, which may have another code than ours.
      const stored = outcome.events.find((e) => e.type === 'case.submitted');
      const code = (stored?.data as { code?: string } | undefined)?.code;
      if (code && code !== record.code) {
        const existing = await repo.get(base.tenantId, code);
        if (existing) return existing;
      }
      return record;
    }
    sequence = Math.max(sequence + 1, (await max()) + 1);
  }
  throw new AppError('conflict', { reason: 'codeAllocation' });
}

/** One change of status (or meeting): history entry, compare-and-swap write, audit entry. */
export async function applyTransition(
  deps: RecordDeps,
  actor: Actor,
  record: CaseRecord,
  action: CaseAction,
  to: CaseStatus,
  change: { outcome?: Outcome; meetingId?: string } = {},
): Promise<CaseRecord> {
  const now = deps.clock.now();
  const by = actor.aadObjectId ?? '';
  const next: CaseRecord = {
    ...record,
    ...change,
    ...followUpDates(record, to, now),
    status: to,
    version: record.version + 1,
    updatedAt: now,
    history: [...record.history, { at: now, by, action, from: record.status, to, ...change }],
  };
  // The id names the change, not only the version: two different changes racing for the same
  // version (two chairs moving a case to different meetings) get different ids, so the loser's
  // version claim conflicts instead of passing for its own (the same change twice is one unit).
  const target = [change.meetingId, change.outcome].filter(Boolean).join(':');
  const unit: Unit = {
    id: `case.${action}:${next.tenantId}:${next.code}:v${next.version}${target ? `:${target}` : ''}`,
    writes: deps.repo.versionWrites(next),
    audit: [caseAudit(actor, now, `case.${action}`, next, { from: record.status, ...change })],
    events: [
      {
        type: 'case.statusChanged',
        tenantId: next.tenantId,
        data: {
          code: next.code,
          forumId: next.forumId,
          meetingId: next.meetingId,
          from: record.status,
          to,
          by,
        },
      },
    ],
  };
  if (!(await deps.units.commit(unit)).committed) throw new AppError('conflict');
  return next;
}

/** The coded dates summaries count on: days from raised to discussed, the day it ended. */
function followUpDates(record: CaseRecord, to: CaseStatus, now: Date): Partial<CaseRecord> {
  if (to === record.status) return {};
  const today = instantToLocalDate(now, FOLLOW_UP_ZONE);
  if (to === 'discussed' && record.raisedOn && record.discussedDays === undefined)
    return {
      discussedDays: Math.max(
        0,
        Math.round((Date.parse(today) - Date.parse(record.raisedOn)) / 86_400_000),
      ),
    };
  if (to === 'closed' || to === 'withdrawn') return { endedOn: today };
  return {};
}

/** The audit trail of a case: who, when, which change. Codes and ids only, never the text. */
function caseAudit(
  actor: Actor,
  at: Date,
  action: string,
  record: CaseRecord,
  detail: Readonly<Record<string, string | number | boolean>>,
) {
  return auditEntry(actor, at, action, record.code, { status: record.status, ...detail });
}
