// Who is calling: X-Auth-Token (static or IAM-issued) or an AK/SK signature.
import type { IncomingMessage } from 'node:http';
import type { ReferenceSeed } from '../seed.js';
import { verifySdkSignature } from './sdk-signature.js';

export interface Persona {
  name: 'owner' | 'forbidden' | 'other-project';
  projectId: string;
  /** May change tags of the project's images. */
  canWrite: boolean;
}

export type AuthResult = { ok: true; persona: Persona } | { ok: false; reason: string };

export class Personas {
  private readonly byToken = new Map<string, Persona>();
  private readonly byAccessKey = new Map<string, { sk: string; persona: Persona }>();

  constructor(
    private readonly seed: ReferenceSeed,
    /** Mutants of the check: tokens compared on their first n characters; the X-Sdk-Date never checked. */
    private readonly faults: { tokenPrefix?: number; sdkDateUnchecked?: boolean } = {},
  ) {
    const owner: Persona = { name: 'owner', projectId: seed.projectId, canWrite: true };
    const forbidden: Persona = { name: 'forbidden', projectId: seed.projectId, canWrite: false };
    const other: Persona = { name: 'other-project', projectId: seed.otherProjectId, canWrite: true };
    this.byToken.set(seed.tokens.owner, owner);
    this.byToken.set(seed.tokens.forbidden, forbidden);
    this.byToken.set(seed.tokens.otherProject, other);
    this.byAccessKey.set(seed.accessKeys.owner.ak, { sk: seed.accessKeys.owner.sk, persona: owner });
    this.byAccessKey.set(seed.accessKeys.forbidden.ak, { sk: seed.accessKeys.forbidden.sk, persona: forbidden });
  }

  /** IAM password login: returns the persona a user name and password stand for. */
  login(username: string, password: string, domain: string): Persona | undefined {
    const { owner, forbidden } = this.seed.iamUsers;
    if (username === owner.username && password === owner.password && domain === owner.domain) return this.byToken.get(this.seed.tokens.owner);
    if (username === forbidden.username && password === forbidden.password && domain === forbidden.domain) return this.byToken.get(this.seed.tokens.forbidden);
    return undefined;
  }

  issueToken(token: string, persona: Persona): void {
    this.byToken.set(token, persona);
  }

  authenticate(req: IncomingMessage, body: Buffer, now: Date): AuthResult {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const verdict = verifySdkSignature(
        { method: req.method ?? 'GET', rawUrl: req.url ?? '/', headers: req.headers, body },
        (ak) => this.byAccessKey.get(ak)?.sk,
        now,
        { checkDate: !this.faults.sdkDateUnchecked },
      );
      if (!verdict.ok) return { ok: false, reason: `signature ${verdict.reason}: ${verdict.detail}` };
      return { ok: true, persona: this.byAccessKey.get(verdict.accessKey)!.persona };
    }
    const token = req.headers['x-auth-token'];
    if (token === undefined) return { ok: false, reason: 'no credentials' };
    if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) return { ok: false, reason: 'malformed token' };
    const n = this.faults.tokenPrefix;
    const persona = n ? [...this.byToken].find(([known]) => known.slice(0, n) === token.slice(0, n))?.[1] : this.byToken.get(token);
    return persona ? { ok: true, persona } : { ok: false, reason: 'invalid token' };
  }
}
