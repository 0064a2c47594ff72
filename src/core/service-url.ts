/**
 * Where the bot may send replies and proactive posts: a conversation's `serviceUrl`. One rule
 * for the edge (src/bot/inbound.ts refuses an activity that fails it) and for the conversations
 * capability (a stored reply address only ever changes to one that passes it).
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export const MAX_SERVICE_URL_LENGTH = 2048;

/** http(s) only; in local mode (no inbound authentication) loopback hosts only. */
export function acceptableServiceUrl(value: unknown, localMode: boolean): boolean {
  if (typeof value !== 'string' || value.length > MAX_SERVICE_URL_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  return !localMode || LOOPBACK_HOSTS.has(url.hostname);
}
