import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Actor } from '../../core/actor';
import { auditEntry, type AuditEntry, type AuditLog, type AuditQuery } from '../../core/audit';
import type { Clock } from '../../core/clock';
import type { Download, DownloadLinks, DownloadOwner } from '../../core/downloads';
import { AppError } from '../../core/errors';
import { authorize } from '../../core/permissions';
import type { Translate } from '../../i18n/i18n';
import { isoDate, type PersonalDataItem } from '../../core/personal-data';
import { auditCsv, CSV_COLUMNS, detailText, type CsvColumn } from './audit.csv';
import type { MongoAuditExports } from './audit.repository';

export const AUDIT_ZONE = 'Europe/Stockholm';
/** Entries on the card, and at most in one export. */
export const CARD_LIMIT = 50;
export const EXPORT_LIMIT = 5000;
/** How long an export's link works. */
export const EXPORT_TTL_MS = 15 * 60_000;

/** What the admin filters on: a user's id, an exact target, local dates (yyyy-MM-dd). */
export interface AuditFilter {
  user?: string | undefined;
  target?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface KnownUser {
  id: string;
  name: string;
}

export interface AuditServiceDeps {
  audit: AuditLog;
  exports: MongoAuditExports;
  clock: Clock;
  links: DownloadLinks;
  /** The tenant's known users (for the filter and for names), as the admin may see them. */
  users: (actor: Actor) => Promise<KnownUser[]>;
}

export const localTime = (at: Date, format = 'yyyy-MM-dd HH:mm'): string =>
  DateTime.fromJSDate(at, { zone: AUDIT_ZONE }).toFormat(format);

const localDay = (date: string, field: string): DateTime => {
  const d = DateTime.fromISO(date, { zone: AUDIT_ZONE });
  if (!d.isValid) throw new AppError('invalidInput', { field });
  return d.startOf('day');
};

/** The filter as a database query: dates are whole local days, `to` included. */
export function toQuery(tenantId: string, f: AuditFilter, limit: number): AuditQuery {
  const from = f.from ? localDay(f.from, 'from') : undefined;
  const to = f.to ? localDay(f.to, 'to').plus({ days: 1 }) : undefined;
  if (from && to && to <= from) throw new AppError('invalidInput', { field: 'to' });
  return {
    tenantId,
    limit,
    ...(f.user ? { actorId: f.user } : {}),
    ...(f.target ? { target: f.target } : {}),
    ...(from ? { from: from.toJSDate() } : {}),
    ...(to ? { to: to.toJSDate() } : {}),
  };
}

/** Admins read the audit trail (`granskningslogg`) and export it as CSV for Excel. */
export class AuditService {
  constructor(private readonly deps: AuditServiceDeps) {}

  async view(
    actor: Actor,
    filter: AuditFilter,
  ): Promise<{ entries: AuditEntry[]; users: KnownUser[] }> {
    authorize(actor, 'audit.view');
    const query = toQuery(actor.tenantId, filter, CARD_LIMIT);
    const [entries, users] = await Promise.all([
      this.deps.audit.query(query),
      this.deps.users(actor),
    ]);
    return { entries, users };
  }

  /**
   * Prepares the filtered entries as CSV under a random 128-bit id, and a link signed for this
   * admin that works for 15 minutes; records the export itself in the audit trail (its count).
   */
  async createExport(
    actor: Actor,
    filter: AuditFilter,
    t: Translate,
  ): Promise<{ id: string; url: string; count: number; expiresAt: Date }> {
    authorize(actor, 'audit.view');
    const { audit, exports, clock } = this.deps;
    const query = toQuery(actor.tenantId, filter, EXPORT_LIMIT);
    const [entries, users] = await Promise.all([audit.query(query), this.deps.users(actor)]);
    const names = new Map(users.map((u) => [u.id, u.name]));
    const header = Object.fromEntries(CSV_COLUMNS.map((c) => [c, t(`audit.csv.${c}`)])) as Record<
      CsvColumn,
      string
    >;
    const body = auditCsv(entries, {
      header,
      time: (at) => localTime(at, 'yyyy-MM-dd HH:mm:ss'),
      name: (id) => names.get(id) ?? '',
    });
    const now = clock.now();
    const id = randomBytes(16).toString('hex');
    const expiresAt = new Date(now.getTime() + EXPORT_TTL_MS);
    await exports.insert({
      _id: id,
      tenantId: actor.tenantId,
      actorId: actor.aadObjectId ?? '',
      createdAt: now,
      expiresAt,
      filename: `granskningslogg-${localTime(now, 'yyyyMMdd-HHmm')}.csv`,
      count: entries.length,
      body,
    });
    await audit.record(auditEntry(actor, now, 'audit.export', 'audit', { count: entries.length }));
    const owner = { tenantId: actor.tenantId, userId: actor.aadObjectId ?? '' };
    const url = this.deps.links.link('audit', id, owner, expiresAt);
    return { id, url, count: entries.length, expiresAt };
  }

  /** The export's file while it is live, for the admin who made it; null otherwise. */
  async download(id: string, now: Date, owner: DownloadOwner): Promise<Download | null> {
    const doc = await this.deps.exports.findLive(id, now);
    if (!doc || doc.tenantId !== owner.tenantId || doc.actorId !== owner.userId) return null;
    return { filename: doc.filename, contentType: 'text/csv; charset=utf-8', body: doc.body };
  }

  /**
   * A request about a person: the audit entries the user made or that name them as the target
   * (newest first, at most EXPORT_LIMIT of each). Ids, actions and details only.
   */
  async entriesAbout(tenantId: string, userId: string): Promise<PersonalDataItem[]> {
    const [made, about] = await Promise.all([
      this.deps.audit.query({ tenantId, actorId: userId, limit: EXPORT_LIMIT }),
      this.deps.audit.query({ tenantId, target: userId, limit: EXPORT_LIMIT }),
    ]);
    const item = (e: AuditEntry, as: 'actor' | 'target'): PersonalDataItem => ({
      at: isoDate(e.at),
      as,
      action: e.action,
      target: e.target,
      roles: (e.roles ?? []).join(' '),
      detail: detailText(e.detail),
    });
    return [...made.map((e) => item(e, 'actor')), ...about.map((e) => item(e, 'target'))];
  }

  /** Removes expired exports (a scheduler job). */
  async sweep(now: Date): Promise<number> {
    return this.deps.exports.deleteExpired(now);
  }
}
