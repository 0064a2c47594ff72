import path from 'node:path';
import { readEnvFiles } from '../src/config/config';
import { SAMPLE_VALUES, validateAppPackage } from './manifest';

/**
 * npm run manifest:validate [-- --env NAME]
 * Validates appPackage/ offline. With --env, placeholders come from env/.env.NAME(.user);
 * without it, sample values are used (to check the manifest's shape).
 */
async function main(): Promise<number> {
  const root = path.resolve(__dirname, '..');
  const i = process.argv.indexOf('--env');
  const envName = i > 0 ? process.argv[i + 1] : undefined;
  const values = envName ? { ...readEnvFiles(root, envName), ...process.env } : SAMPLE_VALUES;
  const problems = await validateAppPackage(root, values as Record<string, string>);
  if (problems.length === 0) {
    console.log(`appPackage is valid${envName ? ` for env ${envName}` : ' (sample values)'}`);
    return 0;
  }
  for (const p of problems) console.error(`- ${p}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
