import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';

/**
 * The Teams app package checks, offline: placeholders filled, the manifest valid against the
 * schema bundled in @microsoft/app-manifest (no download), and the icons of the sizes Teams wants.
 */
export const SAMPLE_VALUES: Record<string, string> = {
  TEAMS_APP_ID: '7c1e0f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6',
  BOT_ID: '11111111-2222-3333-4444-555555555555',
  DEVELOPER_NAME: 'Samverkan',
  DEVELOPER_WEBSITE_URL: 'https://samverkan.example.se',
  DEVELOPER_PRIVACY_URL: 'https://samverkan.example.se/integritet',
  DEVELOPER_TERMS_OF_USE_URL: 'https://samverkan.example.se/villkor',
  BOT_DOMAIN: 'samverkan.example.se',
  APP_NAME_SUFFIX: '',
};

export function fillPlaceholders(
  text: string,
  values: Record<string, string>,
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const filled = text.replace(/\$\{\{([A-Z0-9_]+)\}\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) {
      missing.push(name);
      return whole;
    }
    return v;
  });
  return { text: filled, missing };
}

export function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  if (b.toString('ascii', 1, 4) !== 'PNG') throw new Error(`${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

export async function validateAppPackage(
  root: string,
  values: Record<string, string> = SAMPLE_VALUES,
): Promise<string[]> {
  const dir = path.join(root, 'appPackage');
  const { text, missing } = fillPlaceholders(
    readFileSync(path.join(dir, 'manifest.json'), 'utf8'),
    values,
  );
  const problems = missing.map((m) => `placeholder \${{${m}}} has no value`);
  const manifest = JSON.parse(text) as {
    manifestVersion: string;
    icons: { color: string; outline: string };
  };
  const schemaFile = require.resolve(
    `@microsoft/app-manifest/build/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
  );
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Parameters<
    typeof AppManifestUtils.validateAgainstSchema
  >[1];
  const errors = await AppManifestUtils.validateAgainstSchema(
    manifest as unknown as Parameters<typeof AppManifestUtils.validateAgainstSchema>[0],
    schema,
  );
  problems.push(...errors);
  const color = pngSize(path.join(dir, manifest.icons.color));
  const outline = pngSize(path.join(dir, manifest.icons.outline));
  if (color.width !== 192 || color.height !== 192)
    problems.push(`color icon is ${color.width}×${color.height}, not 192×192`);
  if (outline.width !== 32 || outline.height !== 32)
    problems.push(`outline icon is ${outline.width}×${outline.height}, not 32×32`);
  return problems;
}
