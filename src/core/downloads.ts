import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Permission } from './permissions';

/**
 * A short-lived file a capability serves over the bot's own HTTP server
 * (`GET /exports/<kind>/<token>`). The token is a signed link: it names the file's id, the user
 * it was made for and when it expires, under an HMAC only this deployment can make. The HTTP
 * layer knows nothing else about it, and answers 404 for anything that does not verify or that
 * `fetch` does not return.
 */
export interface Download {
  filename: string;
  contentType: string;
  body: string;
  /** `base64`: `body` holds a binary file (an XLSX) as base64, sent as its bytes. */
  encoding?: 'base64';
}

/** Whom a link was made for. */
export interface DownloadOwner {
  tenantId: string;
  /** Entra object id. */
  userId: string;
}

export interface DownloadRoute {
  /** The path segment after /exports/ (e.g. `audit`). */
  kind: string;
  /** What the user the link was made for must still be allowed when the link is opened. */
  permission: Permission;
  /** The file for this id and owner, or null when unknown, expired or someone else's. */
  fetch(id: string, now: Date, owner: DownloadOwner): Promise<Download | null>;
}

/** What a capability uses to hand out a link (on the kernel: `kernel.downloads`). */
export interface DownloadLinks {
  /** The full URL a browser opens: signed for `owner`, refused after `expiresAt`. */
  link(kind: string, id: string, owner: DownloadOwner, expiresAt: Date): string;
}

/** What a verified link says. */
export interface VerifiedLink {
  id: string;
  owner: DownloadOwner;
  expiresAt: Date;
}

/** 128 random bits as 32 hex digits: what a capability's download id looks like. */
export const DOWNLOAD_ID = /^[0-9a-f]{32}$/;
const TOKEN = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;
const VERSION = 1;

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * Signs and verifies download links with HMAC-SHA256. The key comes from configuration
 * (`SECRET_DOWNLOAD_SIGNING_KEY`); without one a random key is made per process, so links die
 * with the process and do not work on another instance.
 */
export class DownloadSigner implements DownloadLinks {
  private readonly key: Buffer;

  constructor(
    key: string | undefined,
    private readonly baseUrl: () => string,
  ) {
    this.key = key ? Buffer.from(key, 'utf8') : randomBytes(32);
  }

  /** The path token for a file: `<payload>.<signature>` (base64url). */
  token(kind: string, id: string, owner: DownloadOwner, expiresAt: Date): string {
    const payload = b64(
      JSON.stringify([
        VERSION,
        id,
        owner.tenantId,
        owner.userId,
        Math.floor(expiresAt.getTime() / 1000),
      ]),
    );
    return `${payload}.${this.sign(kind, payload)}`;
  }

  link(kind: string, id: string, owner: DownloadOwner, expiresAt: Date): string {
    return `${this.baseUrl()}/exports/${kind}/${this.token(kind, id, owner, expiresAt)}`;
  }

  /** The link's content when its signature holds for this kind and it has not expired. */
  verify(kind: string, token: string, now: Date): VerifiedLink | null {
    const m = TOKEN.exec(token);
    if (!m) return null;
    const [, payload, signature] = m as unknown as [string, string, string];
    const expected = Buffer.from(this.sign(kind, payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (!Array.isArray(fields) || fields.length !== 5 || fields[0] !== VERSION) return null;
    const [, id, tenantId, userId, exp] = fields as [number, unknown, unknown, unknown, unknown];
    if (typeof id !== 'string' || !DOWNLOAD_ID.test(id)) return null;
    if (typeof tenantId !== 'string' || typeof userId !== 'string' || !userId) return null;
    if (typeof exp !== 'number' || exp * 1000 <= now.getTime()) return null;
    return { id, owner: { tenantId, userId }, expiresAt: new Date(exp * 1000) };
  }

  private sign(kind: string, payload: string): string {
    return createHmac('sha256', this.key).update(`${kind}.${payload}`).digest('base64url');
  }
}
