import type { MinutesContent } from './chairs.types';
import { ATTENDANCE, type Attendance } from './chairs.types';

/**
 * Minutes as flat fields (`att.<org>`, `out.<case>`, `note.<case>`, `fu.<ref>`, `general`), so two
 * saves can be merged field by field: pure, no I/O.
 */
export function flatten(c: MinutesContent): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c.attendance)) out.set(`att.${k}`, v);
  for (const [k, v] of Object.entries(c.outcomes)) if (v) out.set(`out.${k}`, v);
  for (const [k, v] of Object.entries(c.notes)) if (v) out.set(`note.${k}`, v);
  for (const ref of c.followedUp) out.set(`fu.${ref}`, 'true');
  if (c.general) out.set('general', c.general);
  return out;
}

export function unflatten(fields: ReadonlyMap<string, string>): MinutesContent {
  const c: MinutesContent = {
    attendance: {},
    outcomes: {},
    notes: {},
    general: '',
    followedUp: [],
  };
  for (const [k, v] of fields) {
    if (!v) continue;
    const dot = k.indexOf('.');
    const kind = dot < 0 ? k : k.slice(0, dot);
    const id = dot < 0 ? '' : k.slice(dot + 1);
    if (kind === 'att' && (ATTENDANCE as readonly string[]).includes(v))
      c.attendance[id] = v as Attendance;
    else if (kind === 'out') c.outcomes[id] = v;
    else if (kind === 'note') c.notes[id] = v;
    else if (kind === 'fu' && v === 'true') c.followedUp.push(id);
    else if (kind === 'general') c.general = v;
  }
  c.followedUp.sort();
  return c;
}

/**
 * Three-way merge of a save made on `base` with what was saved since (`current`): a field only
 * one side changed takes that side's value; a field both changed to the same value is no
 * conflict; a field both changed differently is a conflict (current's value kept in `merged`).
 */
export function mergeMinutes(
  base: MinutesContent,
  mine: MinutesContent,
  current: MinutesContent,
): { merged: MinutesContent; conflicts: string[] } {
  const b = flatten(base);
  const m = flatten(mine);
  const c = flatten(current);
  const merged = new Map<string, string>();
  const conflicts: string[] = [];
  for (const key of new Set([...b.keys(), ...m.keys(), ...c.keys()])) {
    const [bv, mv, cv] = [b.get(key) ?? '', m.get(key) ?? '', c.get(key) ?? ''];
    if (mv === bv || mv === cv) merged.set(key, cv);
    else if (cv === bv) merged.set(key, mv);
    else {
      merged.set(key, cv);
      conflicts.push(key);
    }
  }
  return { merged: unflatten(merged), conflicts: conflicts.sort() };
}

export const sameMinutes = (a: MinutesContent, b: MinutesContent): boolean => {
  const fa = flatten(a);
  const fb = flatten(b);
  return fa.size === fb.size && [...fa].every(([k, v]) => fb.get(k) === v);
};
