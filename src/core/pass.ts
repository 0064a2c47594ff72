import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One scheduler pass as a scope: what several jobs of the same pass read (every forum, say) is
 * read once per pass and shared, never kept beyond it. Outside a pass (a user's turn, a tool)
 * every read goes to the database.
 */
const scope = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

/** Runs `fn` as one pass: reads through `oncePerPass` inside it are shared. */
export function inPass<T>(fn: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), fn);
}

/**
 * Runs `fn` outside any pass: for work a job starts in a pass that goes on after it (the
 * outbox's drain), whose reads must not come from that pass's (by then old) shared reads.
 */
export function outsidePass<T>(fn: () => T): T {
  return scope.exit(fn);
}

/**
 * `load()`, once per key within a pass (a failed load is forgotten, so the next caller tries
 * again). Callers get a fresh copy of an array result, so one cannot reorder another's.
 */
export async function oncePerPass<T>(key: string, load: () => Promise<T[]>): Promise<T[]> {
  const memo = scope.getStore();
  if (!memo) return load();
  let loading = memo.get(key) as Promise<T[]> | undefined;
  if (!loading) {
    loading = load();
    memo.set(key, loading);
    loading.catch(() => memo.delete(key));
  }
  return [...(await loading)];
}
