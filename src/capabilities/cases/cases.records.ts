import type { Actor } from '../../core/actor';
import type { AuditLog } from '../../core/audit';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import type { CasesRepository } from './cases.ports';
import type { CaseAction, CaseRecord, CaseStatus, Outcome } from './cases.types';

/** How the case records are written: codes claimed by unique inserts, changes by compare-and-swap. */
export interface RecordDeps {
  repo: CasesRepository;
  audit: AuditLog;
  clock: Clock;
}

const MAX_CODE_ATTEMPTS = 25;

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
  { repo }: RecordDeps,
  forumCode: string,
  base: Omit<CaseRecord, 'code' | 'sequence'>,
): Promise<CaseRecord> {
  const max = () => repo.maxSequence(base.tenantId, base.forumId, base.year);
  let sequence = (await max()) + 1;
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    const record: CaseRecord = {
      ...base,
      code: caseCode(forumCode, base.year, sequence),
      sequence,
    };
    if (await repo.insert(record)) return record;
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
    status: to,
    version: record.version + 1,
    updatedAt: now,
    history: [...record.history, { at: now, by, action, from: record.status, to, ...change }],
  };
  if (!(await deps.repo.replace(next))) throw new AppError('conflict');
  await auditCase(deps, actor, `case.${action}`, next, { from: record.status, ...change });
  return next;
}

/** The audit trail of a case: who, when, which change. Codes and ids only, never the text. */
export function auditCase(
  deps: RecordDeps,
  actor: Actor,
  action: string,
  record: CaseRecord,
  detail: Record<string, string | number | boolean>,
): Promise<void> {
  return deps.audit.record({
    at: deps.clock.now(),
    tenantId: actor.tenantId,
    actorId: actor.aadObjectId ?? '',
    action,
    target: record.code,
    detail: { status: record.status, ...detail },
  });
}
