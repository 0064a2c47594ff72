import type { Actor } from '../../core/actor';
import { auditEntry } from '../../core/audit';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import type { DeviationFacts } from '../../core/events';
import { newUnitId, type UnitOfWork } from '../../core/unit-of-work';
import type { DeviationsRepository } from './deviations.ports';
import type { DeviationAction, DeviationRecord, DeviationState } from './deviations.types';

/**
 * How deviation records are written: codes claimed by unique inserts, changes by compare-and-swap
 * on the version, each in one unit of work with its audit entry and its event.
 */
export interface RecordDeps {
  repo: DeviationsRepository;
  units: UnitOfWork;
  clock: Clock;
}

const MAX_CODE_ATTEMPTS = 25;

/** `AVV-26-007`: two-digit year, sequence per tenant and year (at least three digits). */
export function deviationCode(year: number, sequence: number): string {
  return `AVV-${String(year % 100).padStart(2, '0')}-${String(sequence).padStart(3, '0')}`;
}

/** The coded facts every deviation event carries (core/events.ts). */
export function factsOf(r: DeviationRecord): DeviationFacts {
  return {
    code: r.code,
    category: r.category,
    concerned: [...r.concerned],
    reportingOrganisation: r.reportingOrganisation,
    ...(r.forumId ? { forumId: r.forumId } : {}),
    reportedAt: r.reportedAt.toISOString(),
    ...(r.term ? { term: r.term } : {}),
  };
}

/**
 * Inserts the deviation under the next free code of its tenant and year. The insert of a code is
 * unique (atomic on every backend), so the loser of a race moves on to the next number.
 */
export async function insertWithCode(
  { repo, units }: RecordDeps,
  actor: Actor,
  base: Omit<DeviationRecord, 'code' | 'sequence'>,
  o: {
    operationId?: string | undefined;
    auditDetail: Readonly<Record<string, string | number | boolean>>;
  },
): Promise<DeviationRecord> {
  const max = () => repo.maxSequence(base.tenantId, base.year);
  const id = o.operationId ?? newUnitId('deviation.report');
  let sequence = (await max()) + 1;
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    const record: DeviationRecord = { ...base, code: deviationCode(base.year, sequence), sequence };
    const outcome = await units.commit({
      id,
      writes: [repo.insertWrite(record)],
      audit: [
        auditEntry(actor, base.createdAt, 'deviation.report', record.code, {
          to: 'reported',
          category: record.category,
          concerned: record.concerned.join(','),
          ...o.auditDetail,
        }),
      ],
      events: [
        {
          type: 'deviation.reported',
          tenantId: record.tenantId,
          data: { ...factsOf(record), state: 'reported', by: record.reportedBy },
        },
      ],
      ...(o.operationId
        ? {
            operation: {
              id: o.operationId,
              verb: 'deviations.submit',
              result: { code: record.code },
            },
          }
        : {}),
    });
    if (outcome.committed) {
      // An earlier attempt of the same operation was completed from the journal: its code wins.
      const stored = outcome.events.find((e) => e.type === 'deviation.reported');
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

/** One change of state: history entry, compare-and-swap write, audit entry and event. */
export async function applyTransition(
  deps: RecordDeps,
  actor: Pick<Actor, 'tenantId' | 'aadObjectId'> & Partial<Actor>,
  record: DeviationRecord,
  action: DeviationAction,
  to: DeviationState,
  change: Partial<DeviationRecord> & { meetingId?: string } = {},
): Promise<DeviationRecord> {
  const now = deps.clock.now();
  const by = actor.aadObjectId ?? '';
  const { meetingId, ...fields } = change;
  const forumId = action === 'escalated' ? fields.escalatedTo : undefined;
  const next: DeviationRecord = {
    ...record,
    ...fields,
    state: to,
    version: record.version + 1,
    updatedAt: now,
    history: [
      ...record.history,
      {
        at: now,
        by,
        action,
        from: record.state,
        to,
        ...(forumId ? { forumId } : {}),
        ...(meetingId ? { meetingId } : {}),
      },
    ],
  };
  const detail = {
    from: record.state,
    to,
    ...(forumId ? { forumId } : {}),
    ...(meetingId ? { meetingId } : {}),
  };
  const outcome = await deps.units.commit({
    // The id names the change and who makes it: two people racing for the same version get two
    // units, so the loser's version claim conflicts (the same click twice is one unit).
    id: `deviation.${action}:${next.tenantId}:${next.code}:v${next.version}:${by}`,
    writes: deps.repo.versionWrites(next),
    audit: [auditEntry(actor, now, `deviation.${action}`, next.code, detail)],
    events: [
      {
        type: 'deviation.stateChanged',
        tenantId: next.tenantId,
        data: {
          ...factsOf(next),
          from: record.state,
          to,
          by,
          ...(next.escalatedTo ? { escalatedTo: next.escalatedTo } : {}),
          ...(meetingId ? { meetingId } : {}),
        },
      },
    ],
  });
  if (!outcome.committed) throw new AppError('conflict', { reason: 'changed' });
  return next;
}
