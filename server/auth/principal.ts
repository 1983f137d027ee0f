import { timingSafeEqual } from "node:crypto";
import type { ApiToken, Role } from "../config";

/**
 * Who is calling. With no tokens configured everyone is the anonymous operator (the server then
 * listens on loopback only); with tokens, a missing token is an anonymous viewer (queries only)
 * and a wrong token is refused outright.
 */
export interface Principal {
  readonly actor: string;
  readonly role: Role;
  readonly authenticated: boolean;
}

export const ANONYMOUS_OPERATOR: Principal = { actor: "anonymous", role: "operator", authenticated: false };
export const ANONYMOUS_VIEWER: Principal = { actor: "anonymous", role: "viewer", authenticated: false };

export class InvalidTokenError extends Error {
  override readonly name = "InvalidTokenError";
  constructor() {
    // never include the presented token
    super("The bearer token is not valid: send Authorization: Bearer <token> with a token from API_TOKENS.");
  }
}

export class Authenticator {
  constructor(private readonly tokens: readonly ApiToken[]) {}

  get enabled(): boolean {
    return this.tokens.length > 0;
  }

  /** `header` is the raw Authorization value (HTTP header or graphql-ws connection_init payload). */
  resolve(header: string | null | undefined): Principal {
    if (!this.enabled) return ANONYMOUS_OPERATOR;
    if (!header || header.trim() === "") return ANONYMOUS_VIEWER;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new InvalidTokenError();
    const presented = Buffer.from(m[1]!);
    for (const t of this.tokens) {
      const known = Buffer.from(t.token);
      // constant-time compare, so the token cannot be guessed byte by byte from response times
      if (known.length === presented.length && timingSafeEqual(known, presented))
        return { actor: `user:${t.name}`, role: t.role, authenticated: true };
    }
    throw new InvalidTokenError();
  }
}

/** What a role may do: viewers read and subscribe, operators also change things. */
export function mayMutate(p: Principal): boolean {
  return p.role === "operator";
}
