import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { calendarConfigSchema, type MunicipalityCalendarConfig } from '../capabilities/calendar';
import { DEFAULT_OUTCOMES, OUTCOME_EFFECTS, type OutcomeOption } from '../core/outcomes';

/** The Agents Playground's mock tenant: allowed in local mode so `npm run playground` works. */
export const PLAYGROUND_TENANT_ID = '00000000-0000-0000-0000-0000000000001';

const organisationSchema = z
  .object({
    code: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}$/, 'code: letters and digits, 2–40'),
    name: z.object({ sv: z.string().min(1), en: z.string().min(1) }).strict(),
  })
  .strict();
export type OrganisationConfig = z.infer<typeof organisationSchema>;
const organisationsFileSchema = z
  .array(organisationSchema)
  .min(1)
  .refine((orgs) => new Set(orgs.map((o) => o.code)).size === orgs.length, 'codes must be unique');

/**
 * The municipality's schools and units: their names are not names of children, and naming one
 * is a signal for the quasi-identifier check. `aliases` are other names people use for it.
 */
const unitSchema = z
  .object({
    name: z.string().trim().min(2).max(100),
    organisation: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}$/, 'an organisation code'),
    aliases: z.array(z.string().trim().min(2).max(100)).max(20).optional(),
  })
  .strict();
export type UnitConfig = z.infer<typeof unitSchema>;
export const unitsFileSchema = z
  .array(unitSchema)
  .max(5000)
  .refine(
    (units) => new Set(units.map((u) => u.name.toLowerCase())).size === units.length,
    'names must be unique',
  );

/** The outcomes the minutes may record (OUTCOMES_FILE): codes, labels, what each does to a case. */
const outcomesFileSchema = z
  .array(
    z
      .object({
        code: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}$/, 'code: letters and digits, 2–40'),
        label: z.object({ sv: z.string().min(1).max(80), en: z.string().min(1).max(80) }).strict(),
        effect: z.enum(OUTCOME_EFFECTS),
      })
      .strict(),
  )
  .min(1)
  .max(30)
  .refine((list) => new Set(list.map((o) => o.code)).size === list.length, 'codes must be unique');

/** Every name a unit goes by (its name and aliases): what the anonymity gate is given. */
export const unitNames = (units: readonly UnitConfig[]): string[] =>
  units.flatMap((u) => [u.name, ...(u.aliases ?? [])]);

/** A deviation category of DEVIATION_CATEGORIES_FILE: a code and its Swedish and English label. */
const deviationCategorySchema = z
  .object({
    code: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{1,39}$/, 'code: letters and digits, 2–40'),
    name: z.object({ sv: z.string().min(1).max(100), en: z.string().min(1).max(100) }).strict(),
  })
  .strict();
export type DeviationCategoryConfig = z.infer<typeof deviationCategorySchema>;
const deviationCategoriesFileSchema = z
  .array(deviationCategorySchema)
  .min(1)
  .max(50)
  .refine((cs) => new Set(cs.map((c) => c.code)).size === cs.length, 'codes must be unique');

const csv = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
const guidList = csv.pipe(
  z.array(z.string().regex(/^[0-9a-fA-F-]{36,37}$/, 'each entry must be a GUID')),
);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).optional(),
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an http(s) address')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  MONGODB_DB: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,63}$/, 'letters, digits, _ and - only (max 63)')
    .default('samverkan'),
  DATA_DIR: z.string().min(1).default('.data'),
  BOT_ID: z.string().optional(),
  SECRET_BOT_PASSWORD: z.string().optional(),
  BOT_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),
  BOT_TENANT_ID: z.string().optional(),
  /** Test-only: the channel's OpenID metadata and token issuer (inbound authentication tests). */
  BOT_OPENID_METADATA_URL: z.string().url().optional(),
  BOT_TOKEN_ISSUER: z.string().min(1).optional(),
  ALLOWED_TENANT_IDS: guidList,
  ADMIN_AAD_OBJECT_IDS: guidList,
  ORGANISATIONS_FILE: z.string().min(1).default('env/organisations.json'),
  CALENDAR_FILE: z.string().min(1).default('env/calendar.json'),
  UNITS_FILE: z.string().min(1).default('env/units.json'),
  OUTCOMES_FILE: z.string().min(1).optional(),
  RETENTION_MINUTES_TEXT_MONTHS: z.coerce.number().int().min(1).max(240).default(24),
  SCHEDULER_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  MEETINGS_HORIZON_DAYS: z.coerce.number().int().min(7).max(730).default(120),
  OPERATION_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  DEVIATION_REPLY_DAYS: z.coerce.number().int().min(1).max(365).default(60),
  DEVIATION_REMINDER_DAYS_BEFORE: z
    .string()
    .regex(/^\d{1,3}(,\d{1,3}){0,4}$/, 'comma-separated whole days, e.g. 14,3')
    .default('14,3'),
  DEVIATION_CATEGORIES_FILE: z.string().min(1).optional(),
  RETENTION_DEVIATION_TEXT_MONTHS: z.coerce.number().int().min(1).max(240).default(12),
  RETENTION_DEVIATIONS_MONTHS: z.coerce.number().int().min(1).max(600).default(36),
  /** Retention in months after closing (0 = kept without limit). */
  RETENTION_CASE_TEXT_MONTHS: z.coerce.number().int().min(0).max(600).default(12),
  RETENTION_AUDIT_MONTHS: z.coerce.number().int().min(0).max(600).default(36),
  /** Sent, expired and undeliverable outbox messages (their cards can hold a case's text). */
  RETENTION_OUTBOX_MONTHS: z.coerce.number().int().min(0).max(600).default(1),
  /** Calls to a conversation's serviceUrl (replies, proactive posts): at most this long in all. */
  OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** HMAC key for download links (at least 32 characters); random per process when unset. */
  SECRET_DOWNLOAD_SIGNING_KEY: z.string().min(32, 'at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Where users' browsers reach this server (download links); default: where it listens. */
  publicUrl: string | undefined;
  /** No bot app id: inbound authentication is off. Only ever bound to loopback. */
  localMode: boolean;
  mongodb: { uri: string | undefined; dbName: string };
  dataDir: string;
  bot: {
    appId: string;
    appPassword: string | undefined;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId: string | undefined;
    /** Test-only overrides of where inbound tokens' signing keys and issuer come from. */
    openIdMetadataUrl?: string | undefined;
    tokenIssuer?: string | undefined;
  };
  allowedTenantIds: readonly string[];
  adminAadObjectIds: readonly string[];
  organisations: readonly OrganisationConfig[];
  calendar: MunicipalityCalendarConfig;
  /** The municipality's named schools and units (UNITS_FILE). */
  units: readonly UnitConfig[];
  /** The outcomes the minutes may record (OUTCOMES_FILE, or the defaults). */
  outcomes: readonly OutcomeOption[];
  /** Months after a meeting that the free text of its minutes (notes) is kept. */
  retentionMinutesTextMonths: number;
  /** 0 = no background loop (tests drive the scheduler by hand). */
  schedulerIntervalSeconds: number;
  meetingsHorizonDays: number;
  /** How long a once-only card action's attempt holds its operation before a retry may take over. */
  operationLeaseSeconds: number;
  /**
   * Months each retention target keeps what closed (0 = without limit). Keys are the targets'
   * names (`Module.retention`); a capability adds its own key and `RETENTION_…_MONTHS` variable.
   */
  retention: { caseTextMonths: number; auditMonths: number; outboxMonths: number };
  /** The whole budget for calls to a conversation's serviceUrl in one turn or proactive send. */
  outboundTimeoutMs: number;
  /** The key download links are signed with; undefined = a random key per process. */
  downloadSigningKey: string | undefined;
  log: { level: string; pretty: boolean };
  projectRoot: string;
  deviations: {
    /** Days after reporting by which the organisations concerned should answer. */
    replyDays: number;
    /** Reminders this many days before the reply date (then one when it has passed). */
    reminderDaysBefore: readonly number[];
    /** The municipality's categories (DEVIATION_CATEGORIES_FILE), or the defaults when unset. */
    categories: readonly DeviationCategoryConfig[] | undefined;
    /** Months after closing: free text removed, then the whole deviation removed. */
    retention: { textMonths: number; recordMonths: number };
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  projectRoot: string;
  readFile?: (file: string) => string;
}

/** Validates the environment once and lists every problem at once. Nothing else reads env. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions,
): Config {
  const readFile = options.readFile ?? ((f: string) => readFileSync(f, 'utf8'));
  const problems: string[] = [];
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v])),
  );
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const appId = e.BOT_ID ?? '';
  const localMode = appId === '';

  if (e.NODE_ENV === 'production') {
    if (localMode)
      problems.push(
        'BOT_ID: required when NODE_ENV=production (without it inbound authentication is off)',
      );
    if (e.ALLOWED_TENANT_IDS.length === 0)
      problems.push('ALLOWED_TENANT_IDS: required when NODE_ENV=production');
    if (e.BOT_OPENID_METADATA_URL || e.BOT_TOKEN_ISSUER)
      problems.push(
        'BOT_OPENID_METADATA_URL / BOT_TOKEN_ISSUER: test-only, not allowed when NODE_ENV=production',
      );
    if (!e.MONGODB_URI)
      problems.push(
        'MONGODB_URI: required when NODE_ENV=production (the embedded database is for development)',
      );
  }
  if (!localMode) {
    if (e.BOT_TYPE === 'SingleTenant' && !e.BOT_TENANT_ID)
      problems.push('BOT_TENANT_ID: required when BOT_TYPE=SingleTenant');
    if (e.BOT_TYPE === 'UserAssignedMSI' && e.SECRET_BOT_PASSWORD)
      problems.push('SECRET_BOT_PASSWORD: must be empty when BOT_TYPE=UserAssignedMSI');
    if (e.BOT_TYPE !== 'UserAssignedMSI' && !e.SECRET_BOT_PASSWORD)
      problems.push('SECRET_BOT_PASSWORD: required with BOT_ID');
    if (e.ALLOWED_TENANT_IDS.length === 0)
      problems.push('ALLOWED_TENANT_IDS: required when BOT_ID is set');
  }
  const host = e.HOST ?? (localMode ? '127.0.0.1' : '0.0.0.0');
  if (localMode && !['127.0.0.1', 'localhost', '::1'].includes(host)) {
    problems.push(
      'HOST: without BOT_ID (no inbound authentication) the bot only binds to loopback',
    );
  }

  let organisations: OrganisationConfig[] = [];
  const orgFile = path.resolve(options.projectRoot, e.ORGANISATIONS_FILE);
  try {
    const orgs = organisationsFileSchema.safeParse(JSON.parse(readFile(orgFile)));
    if (orgs.success) organisations = orgs.data;
    else
      for (const issue of orgs.error.issues)
        problems.push(
          `ORGANISATIONS_FILE (${e.ORGANISATIONS_FILE}) ${issue.path.join('.')}: ${issue.message}`,
        );
  } catch (err) {
    problems.push(
      `ORGANISATIONS_FILE: cannot read ${e.ORGANISATIONS_FILE} (${(err as Error).message})`,
    );
  }

  let calendar: MunicipalityCalendarConfig = { terms: [], breaks: [], extraDaysOff: [] };
  try {
    const cal = calendarConfigSchema.safeParse(
      JSON.parse(readFile(path.resolve(options.projectRoot, e.CALENDAR_FILE))),
    );
    if (cal.success) calendar = cal.data;
    else
      for (const issue of cal.error.issues)
        problems.push(
          `CALENDAR_FILE (${e.CALENDAR_FILE}) ${issue.path.join('.')}: ${issue.message}`,
        );
  } catch (err) {
    problems.push(`CALENDAR_FILE: cannot read ${e.CALENDAR_FILE} (${(err as Error).message})`);
  }

  let units: UnitConfig[] = [];
  try {
    const parsedUnits = unitsFileSchema.safeParse(
      JSON.parse(readFile(path.resolve(options.projectRoot, e.UNITS_FILE))),
    );
    if (parsedUnits.success) {
      units = parsedUnits.data;
      const codes = new Set(organisations.map((o) => o.code));
      parsedUnits.data.forEach((u, i) => {
        if (organisations.length > 0 && !codes.has(u.organisation))
          problems.push(
            `UNITS_FILE (${e.UNITS_FILE}) ${i}.organisation: unknown organisation code "${u.organisation}"`,
          );
      });
    } else
      for (const issue of parsedUnits.error.issues)
        problems.push(`UNITS_FILE (${e.UNITS_FILE}) ${issue.path.join('.')}: ${issue.message}`);
  } catch (err) {
    problems.push(`UNITS_FILE: cannot read ${e.UNITS_FILE} (${(err as Error).message})`);
  }

  let deviationCategories: DeviationCategoryConfig[] | undefined;
  if (e.DEVIATION_CATEGORIES_FILE) {
    try {
      const cats = deviationCategoriesFileSchema.safeParse(
        JSON.parse(readFile(path.resolve(options.projectRoot, e.DEVIATION_CATEGORIES_FILE))),
      );
      if (cats.success) deviationCategories = cats.data;
      else
        for (const issue of cats.error.issues)
          problems.push(
            `DEVIATION_CATEGORIES_FILE (${e.DEVIATION_CATEGORIES_FILE}) ${issue.path.join('.')}: ${issue.message}`,
          );
    } catch (err) {
      problems.push(
        `DEVIATION_CATEGORIES_FILE: cannot read ${e.DEVIATION_CATEGORIES_FILE} (${(err as Error).message})`,
      );
    }
  }
  const reminderDaysBefore = [
    ...new Set(e.DEVIATION_REMINDER_DAYS_BEFORE.split(',').map(Number)),
  ].sort((a, b) => b - a);
  if (reminderDaysBefore.some((d) => d < 1 || d >= e.DEVIATION_REPLY_DAYS))
    problems.push(
      'DEVIATION_REMINDER_DAYS_BEFORE: each must be at least 1 and less than DEVIATION_REPLY_DAYS',
    );
  if (e.RETENTION_DEVIATIONS_MONTHS < e.RETENTION_DEVIATION_TEXT_MONTHS)
    problems.push(
      'RETENTION_DEVIATIONS_MONTHS: must not be less than RETENTION_DEVIATION_TEXT_MONTHS',
    );
  let outcomes: readonly OutcomeOption[] = DEFAULT_OUTCOMES;
  if (e.OUTCOMES_FILE) {
    try {
      const parsedOutcomes = outcomesFileSchema.safeParse(
        JSON.parse(readFile(path.resolve(options.projectRoot, e.OUTCOMES_FILE))),
      );
      if (parsedOutcomes.success) outcomes = parsedOutcomes.data;
      else
        for (const issue of parsedOutcomes.error.issues)
          problems.push(
            `OUTCOMES_FILE (${e.OUTCOMES_FILE}) ${issue.path.join('.')}: ${issue.message}`,
          );
    } catch (err) {
      problems.push(`OUTCOMES_FILE: cannot read ${e.OUTCOMES_FILE} (${(err as Error).message})`);
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const allowedTenantIds = localMode
    ? [...new Set([...e.ALLOWED_TENANT_IDS, PLAYGROUND_TENANT_ID])]
    : e.ALLOWED_TENANT_IDS;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host,
    publicUrl: e.PUBLIC_URL,
    localMode,
    mongodb: { uri: e.MONGODB_URI, dbName: e.MONGODB_DB },
    dataDir: path.resolve(options.projectRoot, e.DATA_DIR),
    bot: {
      appId,
      appPassword: e.SECRET_BOT_PASSWORD,
      appType: e.BOT_TYPE,
      tenantId: e.BOT_TENANT_ID,
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
      tokenIssuer: e.BOT_TOKEN_ISSUER,
    },
    allowedTenantIds,
    adminAadObjectIds: e.ADMIN_AAD_OBJECT_IDS.map((x) => x.toLowerCase()),
    organisations,
    calendar,
    units,
    outcomes,
    retentionMinutesTextMonths: e.RETENTION_MINUTES_TEXT_MONTHS,
    schedulerIntervalSeconds: e.SCHEDULER_INTERVAL_SECONDS,
    meetingsHorizonDays: e.MEETINGS_HORIZON_DAYS,
    operationLeaseSeconds: e.OPERATION_LEASE_SECONDS,
    retention: {
      caseTextMonths: e.RETENTION_CASE_TEXT_MONTHS,
      auditMonths: e.RETENTION_AUDIT_MONTHS,
      outboxMonths: e.RETENTION_OUTBOX_MONTHS,
    },
    outboundTimeoutMs: e.OUTBOUND_TIMEOUT_MS,
    downloadSigningKey: e.SECRET_DOWNLOAD_SIGNING_KEY,
    log: {
      level: e.LOG_LEVEL,
      pretty: (e.LOG_FORMAT ?? (e.NODE_ENV === 'production' ? 'json' : 'pretty')) === 'pretty',
    },
    projectRoot: options.projectRoot,
    deviations: {
      replyDays: e.DEVIATION_REPLY_DAYS,
      reminderDaysBefore,
      categories: deviationCategories,
      retention: {
        textMonths: e.RETENTION_DEVIATION_TEXT_MONTHS,
        recordMonths: e.RETENTION_DEVIATIONS_MONTHS,
      },
    },
  };
}

/**
 * Reads env/.env.<name> (committed, not secret) and env/.env.<name>.user (git-ignored secrets),
 * Agents Toolkit style. Values already in the process environment win.
 */
export function readEnvFiles(projectRoot: string, envName: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of [`.env.${envName}`, `.env.${envName}.user`]) {
    try {
      Object.assign(out, parseDotenv(readFileSync(path.join(projectRoot, 'env', file))));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out;
}
