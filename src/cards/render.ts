import { Expression } from 'adaptive-expressions';
import * as ACData from 'adaptivecards-templating';

/** A rendered Adaptive Card, ready to send (JSON). */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  [key: string]: unknown;
}

export class CardRenderError extends Error {
  constructor(
    readonly template: string,
    readonly problems: string[],
  ) {
    super(`card template ${template} did not render cleanly: ${problems.join('; ')}`);
    this.name = 'CardRenderError';
  }
}

const LEFTOVER = /\$\{/;

/**
 * Parsed templates, reused: parsing costs ~10× the expansion (measured by bench:turns). Safe
 * because expand() resets the warnings on every call and templates are imported JSON that is
 * never mutated.
 */
const parsed = new WeakMap<object, ACData.Template>();

function findLeftovers(value: unknown, path: string, out: string[]): void {
  if (typeof value === 'string') {
    if (LEFTOVER.test(value)) out.push(`leftover expression at ${path}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findLeftovers(v, `${path}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) findLeftovers(v, `${path}.${k}`, out);
  }
}

/**
 * Expands a card template with data. Fails loudly on template warnings or on any `${` left in
 * the output (the templating library silently leaves unresolved expressions in place).
 * Data values that themselves contain `${` are escaped first, so user text cannot inject
 * template expressions or trip the leftover check.
 */
export function renderCard(name: string, template: object, data: object): AdaptiveCardJson {
  // Expansion is a pure function of the template and the data: the same card (the help card of
  // a role set in a language, a reminder…) is expanded once and copied after that.
  const key = JSON.stringify(data, keyOf);
  let memo = rendered.get(template);
  if (!memo) rendered.set(template, (memo = new Map<string, AdaptiveCardJson>()));
  const hit = memo.get(key);
  if (hit) {
    memo.delete(key); // most recently used last
    memo.set(key, hit);
    return structuredClone(hit);
  }
  const card = expandCard(name, template, data);
  if (memo.size >= RENDERED_PER_TEMPLATE) memo.delete(memo.keys().next().value!);
  memo.set(key, card);
  return structuredClone(card);
}

/** Tells a Date from its ISO string in a memo key (they do not render alike). */
function keyOf(this: Record<string, unknown>, k: string, v: unknown): unknown {
  return this[k] instanceof Date ? { '\u0000date': v } : v;
}

/** Rendered cards kept per template (least recently used dropped first). */
const RENDERED_PER_TEMPLATE = 64;
const rendered = new WeakMap<object, Map<string, AdaptiveCardJson>>();

function expandCard(name: string, template: object, data: object): AdaptiveCardJson {
  let engine: ACData.Template;
  let expanded: unknown;
  try {
    engine = parsed.get(template) ?? new ACData.Template(template);
    parsed.set(template, engine);
    expanded = engine.expand({ $root: escapeData(data) });
  } catch (e) {
    throw new CardRenderError(name, [
      `template error: ${e instanceof Error ? e.message : String(e)}`,
    ]);
  }
  const problems = engine.getLastTemplateExpansionWarnings().filter((w) => !isFalseWhen(w, data));
  findLeftovers(expanded, '$', problems);
  if (problems.length > 0) throw new CardRenderError(name, problems);
  if (
    !expanded ||
    typeof expanded !== 'object' ||
    (expanded as { type?: unknown }).type !== 'AdaptiveCard'
  ) {
    throw new CardRenderError(name, ['output is not an AdaptiveCard']);
  }
  return unescapeData(expanded) as AdaptiveCardJson;
}

const WHEN_WARNING =
  /^WARN: Unable to parse the Adaptive Expression (.*)\. The \$when condition has been set to false by default\.$/s;

/**
 * The templating library warns on every `$when` that is simply false. Such a warning is dropped
 * only if the expression parses and evaluates to exactly `false` in the root scope or in the
 * scope of some array element of the data (a `$data` loop); anything else still fails the render.
 */
function isFalseWhen(warning: string, data: object): boolean {
  const expr = WHEN_WARNING.exec(warning)?.[1];
  if (!expr) return false;
  let parsed: ReturnType<typeof Expression.parse>;
  try {
    parsed = Expression.parse(expr);
  } catch {
    return false;
  }
  return scopesOf(data).some((scope) => {
    const result: { value: unknown; error: string | undefined } = parsed.tryEvaluate({
      ...scope,
      $root: data,
    });
    return !result.error && result.value === false;
  });
}

function scopesOf(data: object): object[] {
  const out: object[] = [data];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const item of v) {
        if (item && typeof item === 'object' && !Array.isArray(item)) out.push(item as object);
        walk(item);
      }
    } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(data);
  return out;
}

// `${` in data is replaced by a private-use marker while templating and restored afterwards.
const MARK = '\u{F0000}';
function escapeData(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('${', MARK);
  if (Array.isArray(value)) return value.map(escapeData);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeData(v)]));
  }
  return value;
}
function unescapeData(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll(MARK, '${');
  if (Array.isArray(value)) return value.map(unescapeData);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unescapeData(v)]));
  }
  return value;
}
