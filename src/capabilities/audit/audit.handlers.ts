import type { ActionResult, Capability, TurnCtx } from '../../core/capability';
import { defineAction } from '../../core/capability';
import { auditCard, type AuditCardState } from './audit.cards';
import { filterSchema, type FilterInput } from './audit.schemas';
import type { AuditService } from './audit.service';

export const AUDIT_VERBS = { filter: 'audit.filter', export: 'audit.export' } as const;

/**
 * Admins: `granskningslogg` / `audit log` shows the latest entries with a filter; "Filtrera"
 * re-renders it, "Exportera CSV" prepares a signed download link for this admin, for 15 minutes.
 */
export function auditCapability(audit: AuditService): Capability {
  const show = async (ctx: TurnCtx, filter: FilterInput, state: AuditCardState = {}) => {
    const { entries, users } = await audit.view(ctx.actor, filter);
    return auditCard(ctx.t, entries, users, filter, state);
  };

  const exportCsv = async (ctx: TurnCtx, filter: FilterInput): Promise<ActionResult> => {
    const { url, count } = await audit.createExport(ctx.actor, filter, ctx.t);
    return {
      card: await show(ctx, filter, {
        status: ctx.t('audit.exported', { count }),
        downloadUrl: url,
      }),
    };
  };

  return {
    name: 'audit',
    help: [
      {
        command: { sv: 'granskningslogg', en: 'audit log' },
        description: 'audit.help',
        permission: 'audit.view',
      },
    ],
    commands: [
      {
        id: 'audit.log',
        patterns: [/^(granskningslogg|granskningsloggen|audit|audit log|auditlog)$/],
        handle: async (ctx) => [{ card: await show(ctx, {}) }],
      },
    ],
    actions: [
      defineAction({
        verb: AUDIT_VERBS.filter,
        schema: filterSchema,
        handle: async (ctx, data) => ({ card: await show(ctx, data) }),
      }),
      defineAction({ verb: AUDIT_VERBS.export, schema: filterSchema, handle: exportCsv }),
    ],
  };
}
