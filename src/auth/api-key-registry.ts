/**
 * The configured API keys, and who a presented key belongs to. Keys are compared in constant time:
 * every configured key is compared (no early exit), on SHA-256 digests (equal lengths).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../config';
import { expandPermissions, allPermissions, type Permission } from './permissions';

/** The caller of a request. */
export interface Principal {
  /** The key's `name`; `anonymous` when auth is off. Becomes the `actor` of commands. */
  name: string;
  /** Matched against an approval's `approvers.roles`. */
  roles: readonly string[];
  /** What the caller may do, wildcard and implications expanded. */
  permissions: ReadonlySet<Permission>;
  /** False when auth is off (no keys configured). */
  authenticated: boolean;
}

/** Actor of every request when no keys are configured (local development). */
export const ANONYMOUS_ACTOR = 'anonymous';

/** With auth off, the local caller may do everything (the API is bound to loopback). */
export const anonymousPrincipal: Principal = Object.freeze({
  name: ANONYMOUS_ACTOR,
  roles: Object.freeze([]),
  permissions: new Set(allPermissions),
  authenticated: false,
});

/** Caller of an open route (`/healthz`, `/docs`) when keys are configured: may do nothing. */
export const unauthenticatedPrincipal: Principal = Object.freeze({
  name: ANONYMOUS_ACTOR,
  roles: Object.freeze([]),
  permissions: new Set<Permission>(),
  authenticated: false,
});

interface Entry {
  /** SHA-256 of the key. */
  digest: Buffer;
  principal: Principal;
}

/** The configured keys (`CADENZA_API_KEYS`); one registry serves the HTTP API and the NATS commands. */
export class ApiKeyRegistry {
  private readonly entries: readonly Entry[];

  constructor(keys: readonly ApiKey[]) {
    this.entries = keys.map((k) => ({
      digest: digest(k.key),
      principal: Object.freeze({ name: k.name, roles: Object.freeze([...k.roles]), permissions: expandPermissions(k.permissions), authenticated: true }),
    }));
  }

  /** True when keys are configured, so every API request must present one. */
  get enabled(): boolean {
    return this.entries.length > 0;
  }

  /** The principal of `presented`, or undefined for an unknown key. */
  authenticate(presented: string): Principal | undefined {
    const candidate = digest(presented);
    let found: Principal | undefined;
    for (const entry of this.entries) {
      // No early exit: the time taken does not depend on which key (if any) matched.
      if (timingSafeEqual(entry.digest, candidate) && found === undefined) found = entry.principal;
    }
    return found;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
