import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeCommandText } from '../../src/core/router';
import { validateAppPackage } from '../../tools/manifest';
import { PROJECT_ROOT } from '../harness/test-bot';
import { openTestModules } from '../harness/test-db';

describe('Teams app package', () => {
  const temp = mkdtempSync(path.join(tmpdir(), 'samverkan-apppkg-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('is a valid manifest (offline schema) with icons of the right sizes', async () => {
    expect(await validateAppPackage(PROJECT_ROOT)).toEqual([]);
  });

  it('reports schema errors and wrong icons (the check can fail)', async () => {
    cpSync(path.join(PROJECT_ROOT, 'appPackage'), path.join(temp, 'appPackage'), {
      recursive: true,
    });
    const file = path.join(temp, 'appPackage', 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete manifest.name;
    writeFileSync(file, JSON.stringify(manifest));
    cpSync(
      path.join(PROJECT_ROOT, 'appPackage', 'outline.png'),
      path.join(temp, 'appPackage', 'color.png'),
    );
    const problems = await validateAppPackage(temp);
    expect(problems.join('\n')).toMatch(/name/);
    expect(problems.join('\n')).toContain('color icon is 32×32, not 192×192');
  });

  it('offers in its command menu only commands the bot understands', async () => {
    const manifest = JSON.parse(
      readFileSync(path.join(PROJECT_ROOT, 'appPackage', 'manifest.json'), 'utf8'),
    ) as {
      bots: { commandLists?: { commands: { title: string }[] }[] }[];
    };
    const titles = manifest.bots
      .flatMap((b) => b.commandLists ?? [])
      .flatMap((l) => l.commands.map((c) => c.title));
    expect(titles.length).toBeGreaterThan(0);
    const { modules, close } = await openTestModules();
    const { capabilities } = modules;
    await close();
    const patterns = capabilities.flatMap((c) => c.commands ?? []).flatMap((c) => c.patterns);
    for (const title of titles) {
      expect(
        patterns.some((p) => p.test(normalizeCommandText(title))),
        title,
      ).toBe(true);
    }
  });
});
