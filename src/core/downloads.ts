/**
 * A short-lived file a capability serves over the bot's own HTTP server
 * (`GET /exports/<kind>/<id>`): the id is an unguessable random token that expires. The HTTP
 * layer knows nothing else about it, and answers 404 for anything `fetch` does not return.
 */
export interface Download {
  filename: string;
  contentType: string;
  body: string;
}

export interface DownloadRoute {
  /** The path segment after /exports/ (e.g. `audit`). */
  kind: string;
  /** The file for this id, or null when the id is unknown or expired. */
  fetch(id: string, now: Date): Promise<Download | null>;
}

/** 128 random bits as 32 hex digits: what a download id must look like before any lookup. */
export const DOWNLOAD_ID = /^[0-9a-f]{32}$/;
