import { z } from 'zod';
import { acceptableServiceUrl, MAX_SERVICE_URL_LENGTH } from '../core/service-url';

/**
 * The edge: what an inbound activity may look like before botbuilder or a turn sees it. Fields
 * the bot reads or stores are typed and bounded; anything else passes through untouched.
 */

/** A Teams tenant or AAD object id (the Playground's mock tenant has one digit more). */
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12,13}$/;
/** BCP-47-ish: `sv`, `en-US`, `zh-Hant-TW`. */
const LOCALE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$/;

export const LIMITS = {
  text: 30_000,
  displayName: 200,
  /** Longer names are refused; names up to this are cut to `displayName` before storing. */
  displayNameIn: 1_000,
  id: 256,
  conversationId: 512,
  valueJson: 64 * 1024,
} as const;

const id = z.string().min(1).max(LIMITS.id);
const guid = z.string().regex(GUID);
const jsonSize = (v: unknown) => {
  try {
    return JSON.stringify(v).length;
  } catch {
    return Infinity;
  }
};

const account = z
  .object({
    id,
    name: z.string().max(LIMITS.displayNameIn).optional(),
    aadObjectId: guid.optional(),
    role: z.string().max(32).optional(),
  })
  .passthrough();

const serviceUrl = (localMode: boolean) =>
  z
    .string()
    .max(MAX_SERVICE_URL_LENGTH)
    .refine((s) => acceptableServiceUrl(s, localMode));

export const inboundActivitySchema = (localMode: boolean) =>
  z
    .object({
      type: z.string().min(1).max(64),
      id: id.optional(),
      name: z.string().max(128).optional(),
      action: z.string().max(64).optional(),
      channelId: z.string().max(64).optional(),
      // Text that is not a string (a faulty or hostile client) counts as empty further in.
      text: z.unknown().refine((t) => typeof t !== 'string' || t.length <= LIMITS.text),
      from: account,
      recipient: account.optional(),
      conversation: z
        .object({
          id: z.string().min(1).max(LIMITS.conversationId),
          tenantId: guid.optional(),
          conversationType: z.string().max(32).optional(),
          name: z.string().max(LIMITS.displayNameIn).optional(),
        })
        .passthrough(),
      locale: z.string().max(35).regex(LOCALE).optional(),
      serviceUrl: serviceUrl(localMode),
      channelData: z
        .object({ tenant: z.object({ id: guid }).passthrough().optional() })
        .passthrough()
        .optional(),
      value: z
        .record(z.unknown())
        .refine((v) => jsonSize(v) <= LIMITS.valueJson)
        .optional(),
      membersAdded: z.array(account).max(100).optional(),
      membersRemoved: z.array(account).max(100).optional(),
      entities: z.array(z.record(z.unknown())).max(50).optional(),
    })
    .passthrough()
    // One tenant: when the activity names it twice, the two must agree.
    .refine(
      (a) =>
        !a.conversation.tenantId ||
        !a.channelData?.tenant?.id ||
        a.conversation.tenantId.toLowerCase() === a.channelData.tenant.id.toLowerCase(),
      { message: 'tenant mismatch', path: ['tenant'] },
    );

export type InboundCheck =
  | { ok: true }
  | { ok: false; /** Where it failed (field paths only, never values). */ fields: string[] };

/** Built once per mode: building the schema cost more than checking an activity with it. */
const schemas = new Map<boolean, ReturnType<typeof inboundActivitySchema>>();

export function checkInbound(body: unknown, localMode: boolean): InboundCheck {
  let schema = schemas.get(localMode);
  if (!schema) schemas.set(localMode, (schema = inboundActivitySchema(localMode)));
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true };
  return {
    ok: false,
    fields: [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 10),
  };
}

/** What is stored of a display name. */
export const boundedName = (name: string | undefined): string =>
  (name ?? '').slice(0, LIMITS.displayName);
