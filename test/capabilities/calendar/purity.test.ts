import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(__dirname, '../../../src/capabilities/calendar');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('calendar domain stays pure', () => {
  it.each(files)('%s has no SDK/db imports, no env, no clock, no logging', (file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    expect(source).not.toMatch(/from '(botbuilder|@microsoft\/teams-ai|restify|mongodb)/);
    expect(source).not.toMatch(/process\.env/);
    expect(source).not.toMatch(/Date\.now\(|new Date\(\)|DateTime\.(now|local)\(|Settings\./);
    expect(source).not.toMatch(/console\.|pino/);
  });
});
