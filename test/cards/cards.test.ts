import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRouter } from '../../src/core/router';
import { CardRenderError, renderCard } from '../../src/cards/render';
import { PROJECT_ROOT } from '../harness/test-bot';
import { openTestModules } from '../harness/test-db';

const CARDS = path.join(PROJECT_ROOT, 'adaptive-cards');
const templates = readdirSync(CARDS, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json') && !f.endsWith('.sample.json'))
  .sort();
const readJson = (f: string): object =>
  JSON.parse(readFileSync(path.join(CARDS, f), 'utf8')) as object;

function verbsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => verbsIn(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.type === 'Action.Execute' && typeof o.verb === 'string') out.add(o.verb);
    Object.values(o).forEach((v) => verbsIn(v, out));
  }
  return out;
}

describe('card templates', () => {
  it('finds the templates', () => {
    expect(templates.length).toBeGreaterThanOrEqual(4);
  });

  it.each(templates)('%s renders its sample data cleanly, as card version 1.5', (file) => {
    const sample = readJson(file.replace(/\.json$/, '.sample.json'));
    const card = renderCard(file, readJson(file), sample);
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    expect(JSON.stringify(card)).not.toContain('${');
    expect(JSON.stringify(card).length).toBeLessThan(80_000);
  });

  it.each(templates)('%s fails loudly when its data is missing', (file) => {
    expect(() => renderCard(file, readJson(file), {})).toThrow(CardRenderError);
  });

  it('fails on a broken $when expression', () => {
    const tpl = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlock', text: 'x', $when: '${count(}' }],
    };
    expect(() => renderCard('broken', tpl, {})).toThrow(CardRenderError);
  });

  it('keeps user text containing ${ as text instead of expanding it', () => {
    const tpl = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlock', text: '${t}' }],
    };
    const card = renderCard('t', tpl, { t: 'pris ${root} och ${count(1)}' });
    expect(card.body).toEqual([{ type: 'TextBlock', text: 'pris ${root} och ${count(1)}' }]);
  });

  it('every Action.Execute verb in a template has a handler with a schema, and every handler a template', async () => {
    const { modules, close } = await openTestModules();
    const { capabilities } = modules;
    await close();
    const router = createRouter(capabilities);
    const inTemplates = new Set(templates.flatMap((f) => [...verbsIn(readJson(f))]));
    expect([...inTemplates].sort()).toEqual(router.verbs().sort());
    for (const capability of capabilities) {
      for (const action of capability.actions ?? []) {
        expect(action.verb).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
        expect(action.verb.startsWith(`${capability.name}.`)).toBe(true);
      }
    }
  });
});
