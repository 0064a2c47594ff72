import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError, PLAYGROUND_TENANT_ID, loadConfig, unitNames } from '../../src/config/config';
import { PROJECT_ROOT } from '../harness/test-bot';

const load = (env: Record<string, string | undefined>, readFile?: (f: string) => string) =>
  loadConfig(env, { projectRoot: PROJECT_ROOT, ...(readFile ? { readFile } : {}) });
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('runs with no configuration at all: local mode on loopback, port 3978, the Playground tenant allowed', () => {
    const c = load({});
    expect(c).toMatchObject({
      localMode: true,
      host: '127.0.0.1',
      port: 3978,
      nodeEnv: 'development',
    });
    expect(c.mongodb).toEqual({ uri: undefined, dbName: 'samverkan' });
    expect(c.allowedTenantIds).toEqual([PLAYGROUND_TENANT_ID]);
    expect(c.organisations.map((o) => o.code)).toContain('socialServices');
  });

  it('reads retention, the outbound deadline and the download signing key, with defaults', () => {
    expect(load({})).toMatchObject({
      retention: { caseTextMonths: 12, auditMonths: 36, outboxMonths: 1 },
      outboundTimeoutMs: 5000,
      downloadSigningKey: undefined,
    });
    const key = 'k'.repeat(32);
    expect(
      load({
        RETENTION_CASE_TEXT_MONTHS: '0',
        RETENTION_AUDIT_MONTHS: '60',
        RETENTION_OUTBOX_MONTHS: '3',
        OUTBOUND_TIMEOUT_MS: '2500',
        SECRET_DOWNLOAD_SIGNING_KEY: key,
      }),
    ).toMatchObject({
      retention: { caseTextMonths: 0, auditMonths: 60, outboxMonths: 3 },
      outboundTimeoutMs: 2500,
      downloadSigningKey: key,
    });
    const problems = problemsOf(() =>
      load({
        RETENTION_CASE_TEXT_MONTHS: '-1',
        RETENTION_AUDIT_MONTHS: 'ever',
        OUTBOUND_TIMEOUT_MS: '10',
        SECRET_DOWNLOAD_SIGNING_KEY: 'short',
      }),
    ).join('\n');
    for (const name of [
      'RETENTION_CASE_TEXT_MONTHS',
      'RETENTION_AUDIT_MONTHS',
      'OUTBOUND_TIMEOUT_MS',
      'SECRET_DOWNLOAD_SIGNING_KEY',
    ])
      expect(problems).toContain(name);
  });

  it("reads the municipality's schools and units (UNITS_FILE) for the anonymity gate", () => {
    const c = load({});
    expect(c.units.map((u) => u.name)).toEqual(
      expect.arrayContaining(['Vallaskolan', 'Förskolan Myran', 'Fritidsgården Kupolen']),
    );
    const units = (f: string) =>
      f.endsWith('units.json')
        ? JSON.stringify([
            { name: 'Ekskolan', organisation: 'school', aliases: ['Ekis'] },
            { name: 'Nya enheten', organisation: 'socialServices' },
          ])
        : readFileSync(f, 'utf8');
    expect(unitNames(load({ UNITS_FILE: 'x/units.json' }, units).units)).toEqual([
      'Ekskolan',
      'Ekis',
      'Nya enheten',
    ]);
  });

  it('names a unit with an unknown organisation, a duplicate or an unreadable units file', () => {
    const bad = (content: string) => (f: string) =>
      f.endsWith('units.json') ? content : readFileSync(f, 'utf8');
    expect(
      problemsOf(() =>
        load({}, bad(JSON.stringify([{ name: 'Ekskolan', organisation: 'astrology' }]))),
      ).join('\n'),
    ).toMatch(
      /UNITS_FILE \(env\/units.json\) 0.organisation: unknown organisation code "astrology"/,
    );
    expect(
      problemsOf(() =>
        load(
          {},
          bad(
            JSON.stringify([
              { name: 'Ekskolan', organisation: 'school' },
              { name: 'ekskolan', organisation: 'school' },
            ]),
          ),
        ),
      ).join('\n'),
    ).toMatch(/UNITS_FILE.*names must be unique/);
    expect(problemsOf(() => load({ UNITS_FILE: 'env/missing.json' })).join('\n')).toMatch(
      /UNITS_FILE: cannot read env\/missing.json/,
    );
  });

  it('reads the deviation settings: reply days, reminder thresholds, categories, retention', () => {
    expect(load({}).deviations).toEqual({
      replyDays: 60,
      reminderDaysBefore: [14, 3],
      categories: undefined,
      retention: { textMonths: 12, recordMonths: 36 },
    });
    const categories = (f: string) =>
      f.endsWith('deviation-categories.json')
        ? JSON.stringify([{ code: 'lateReply', name: { sv: 'Sent svar', en: 'Late reply' } }])
        : readFileSync(f, 'utf8');
    const c = load(
      {
        DEVIATION_REPLY_DAYS: '30',
        DEVIATION_REMINDER_DAYS_BEFORE: '3,10,3',
        DEVIATION_CATEGORIES_FILE: 'x/deviation-categories.json',
        RETENTION_DEVIATION_TEXT_MONTHS: '6',
        RETENTION_DEVIATIONS_MONTHS: '24',
      },
      categories,
    );
    expect(c.deviations).toEqual({
      replyDays: 30,
      reminderDaysBefore: [10, 3],
      categories: [{ code: 'lateReply', name: { sv: 'Sent svar', en: 'Late reply' } }],
      retention: { textMonths: 6, recordMonths: 24 },
    });
    const problems = problemsOf(() =>
      load(
        {
          DEVIATION_REPLY_DAYS: '10',
          DEVIATION_REMINDER_DAYS_BEFORE: '14',
          RETENTION_DEVIATION_TEXT_MONTHS: '24',
          RETENTION_DEVIATIONS_MONTHS: '12',
          DEVIATION_CATEGORIES_FILE: 'x/deviation-categories.json',
        },
        (f) =>
          f.endsWith('deviation-categories.json') ? '[{"code":"a b"}]' : readFileSync(f, 'utf8'),
      ),
    ).join('\n');
    expect(problems).toContain('DEVIATION_REMINDER_DAYS_BEFORE');
    expect(problems).toContain('RETENTION_DEVIATIONS_MONTHS: must not be less than');
    expect(problems).toContain('DEVIATION_CATEGORIES_FILE (x/deviation-categories.json) 0.code');
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(() =>
      load({
        PORT: 'abc',
        MONGODB_URI: 'http://x',
        ADMIN_AAD_OBJECT_IDS: 'bob',
        LOG_LEVEL: 'loud',
      }),
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['PORT', 'MONGODB_URI', 'ADMIN_AAD_OBJECT_IDS.0', 'LOG_LEVEL']),
    );
  });

  it('refuses to start in production without an app id, a tenant allow-list and a database', () => {
    const problems = problemsOf(() => load({ NODE_ENV: 'production' }));
    expect(problems.join('\n')).toMatch(/BOT_ID: required/);
    expect(problems.join('\n')).toMatch(/ALLOWED_TENANT_IDS: required/);
    expect(problems.join('\n')).toMatch(/MONGODB_URI: required/);
  });

  it('with an app id: needs credentials and a tenant, binds all interfaces, does not add the Playground tenant', () => {
    expect(problemsOf(() => load({ BOT_ID: 'abc' })).join('\n')).toMatch(
      /BOT_TENANT_ID.*\n.*SECRET_BOT_PASSWORD.*\n.*ALLOWED_TENANT_IDS/s,
    );
    const c = load({
      BOT_ID: 'abc',
      SECRET_BOT_PASSWORD: 's',
      BOT_TENANT_ID: 't',
      ALLOWED_TENANT_IDS: '3f9a1c2e-5b7d-4e8f-a1b2-c3d4e5f6a7b8',
    });
    expect(c).toMatchObject({ localMode: false, host: '0.0.0.0' });
    expect(c.allowedTenantIds).toEqual(['3f9a1c2e-5b7d-4e8f-a1b2-c3d4e5f6a7b8']);
  });

  it('takes the test-only OpenID metadata URL and token issuer, and refuses them in production', () => {
    const c = load({
      BOT_OPENID_METADATA_URL: 'http://127.0.0.1:9/.well-known/openidconfiguration',
      BOT_TOKEN_ISSUER: 'https://channel.test.invalid',
    });
    expect(c.bot).toMatchObject({
      openIdMetadataUrl: 'http://127.0.0.1:9/.well-known/openidconfiguration',
      tokenIssuer: 'https://channel.test.invalid',
    });
    expect(problemsOf(() => load({ BOT_OPENID_METADATA_URL: 'not a url' })).join()).toMatch(
      /BOT_OPENID_METADATA_URL/,
    );
    expect(
      problemsOf(() => load({ NODE_ENV: 'production', BOT_TOKEN_ISSUER: 'x' })).join(),
    ).toMatch(/test-only, not allowed when NODE_ENV=production/);
  });

  it('will not bind a non-loopback address without authentication', () => {
    expect(problemsOf(() => load({ HOST: '0.0.0.0' })).join()).toMatch(/HOST: without BOT_ID/);
  });

  it('validates the organisations file and names the entry', () => {
    const problems = problemsOf(() =>
      load({}, () => JSON.stringify([{ code: 'school', name: { sv: 'Skola' } }])),
    );
    expect(problems.join()).toMatch(/ORGANISATIONS_FILE.*0\.name\.en/);
    expect(problemsOf(() => load({}, () => '{oops')).join()).toMatch(
      /ORGANISATIONS_FILE: cannot read/,
    );
  });

  it('treats empty values as unset', () => {
    expect(load({ PORT: '', MONGODB_URI: '' })).toMatchObject({
      port: 3978,
      mongodb: { uri: undefined },
    });
  });
});
