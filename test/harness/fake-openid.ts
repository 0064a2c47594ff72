import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

const b64url = (v: Buffer | string): string => Buffer.from(v).toString('base64url');

export interface TokenOptions {
  /** Defaults to the issuer's own key pair. */
  privateKey?: KeyObject;
  kid?: string;
  alg?: 'RS256' | 'none';
  claims?: Record<string, unknown>;
}

/**
 * The Bot Framework channel's token service, on loopback: OpenID metadata, its JWKS, and JWTs
 * signed with node:crypto. Point BOT_OPENID_METADATA_URL at `metadataUrl`.
 */
export class FakeOpenId {
  readonly issuer = 'https://channel.test.invalid';
  readonly kid = 'test-key-1';
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server: Server | undefined;
  private base = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      if (req.url === '/.well-known/openidconfiguration') {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            issuer: this.issuer,
            jwks_uri: `${this.base}/keys`,
            id_token_signing_alg_values_supported: ['RS256'],
          }),
        );
      } else if (req.url === '/keys') {
        const jwk = this.keys.publicKey.export({ format: 'jwk' });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [{ ...jwk, kid: this.kid, use: 'sig', alg: 'RS256' }] }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get metadataUrl(): string {
    return `${this.base}/.well-known/openidconfiguration`;
  }

  /** A token as the channel sends it; `claims` override or add (undefined removes one). */
  token(o: TokenOptions = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const alg = o.alg ?? 'RS256';
    const header = { alg, typ: 'JWT', kid: o.kid ?? this.kid };
    const payload = {
      iss: this.issuer,
      nbf: now - 60,
      iat: now - 60,
      exp: now + 3600,
      ...o.claims,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    if (alg === 'none') return `${input}.`;
    const signature = sign('RSA-SHA256', Buffer.from(input), o.privateKey ?? this.keys.privateKey);
    return `${input}.${b64url(signature)}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.server) this.server.close(() => resolve());
      else resolve();
    });
  }
}

/** A key pair the channel never published (a forger's). */
export const foreignKey = (): KeyObject =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
