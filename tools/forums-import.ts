import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { forumImportFileSchema } from '../src/capabilities/forums/forums.schemas';
import { openStore } from './open-store';

/**
 * npm run forums:import -- FILE [--dry-run]
 * Imports forums from YAML or JSON ({ tenantId, forums: [...] }). Everything is validated first;
 * on any error nothing is imported and each problem names the entry and the field.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const dryRun = args.includes('--dry-run');
  if (!file) {
    console.error('usage: npm run forums:import -- FILE.yaml|FILE.json [--dry-run]');
    return 2;
  }
  let raw: unknown;
  try {
    const text = readFileSync(path.resolve(file), 'utf8');
    raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    console.error(`cannot read ${file}: ${(e as Error).message}`);
    return 1;
  }
  const shape = forumImportFileSchema.safeParse(raw);
  if (!shape.success) {
    for (const issue of shape.error.issues)
      console.error(`- ${issue.path.join('.') || '(file)'}: ${issue.message}`);
    return 1;
  }
  const store = await openStore();
  try {
    const { forums } = store.services;
    if (dryRun) {
      const count = await forums.validateImport(shape.data.tenantId, shape.data.forums);
      console.log(`dry run: ${count} forum(s) are valid; nothing was imported`);
      return 0;
    }
    const created = await forums.importForums(
      shape.data.tenantId,
      shape.data.forums,
      'forums:import',
    );
    console.log(`imported ${created.length} forum(s): ${created.map((f) => f.id).join(', ')}`);
    return 0;
  } catch (e) {
    if (e instanceof Error && e.name === 'ForumImportError') {
      console.error(e.message);
      console.error('nothing was imported');
      return 1;
    }
    throw e;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
