import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "./generated/graphql";

/**
 * The dashboard's only way to the server: GraphQL over HTTP for queries and mutations, graphql-ws
 * for subscriptions (one socket, retried forever with backoff). After a dropped connection comes
 * back, `onReconnect` listeners refetch, so views catch up without a reload; graphql-ws also
 * re-subscribes every active subscription, and batchUpdated answers with the current batch first.
 */
const TOKEN_KEY = "emberflow.apiToken";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "unauthorized";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export function getToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
}

export function setToken(token: string): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* private mode: the token lasts for this page only */
  }
}

export const authHeader = (): Record<string, string> => (getToken() ? { authorization: `Bearer ${getToken()}` } : {});

const stateListeners = new Set<(s: ConnectionState) => void>();
const reconnectListeners = new Set<() => void>();
let state: ConnectionState = "connecting";
let everConnected = false;
let wsClient: Client | null = null;

function setState(s: ConnectionState): void {
  if (s === state) return;
  state = s;
  for (const l of stateListeners) l(s);
}

/**
 * An HTTP request outside GraphQL (an upload) was refused for its token (401 or 403): the page
 * shows that a token is needed, as it does for a GraphQL UNAUTHENTICATED or FORBIDDEN.
 */
export function reportUnauthorized(): void {
  setState("unauthorized");
}

export function onConnectionState(l: (s: ConnectionState) => void): () => void {
  stateListeners.add(l);
  l(state);
  return () => stateListeners.delete(l);
}

/** Called each time the socket comes back after a drop; views refetch what they show. */
export function onReconnect(l: () => void): () => void {
  reconnectListeners.add(l);
  return () => reconnectListeners.delete(l);
}

function client(): Client {
  if (wsClient) return wsClient;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  wsClient = createClient({
    url,
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    // 0.5 s, 1 s, 2 s ... capped at 5 s, with jitter so many tabs do not reconnect in step
    retryWait: (retries) => new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** retries) + Math.random() * 300)),
    connectionParams: () => (getToken() ? { authorization: `Bearer ${getToken()}` } : {}),
    onNonLazyError: () => setState("reconnecting"),
    on: {
      connected: () => {
        setState("live");
        if (everConnected) for (const l of reconnectListeners) l();
        everConnected = true;
      },
      closed: (event) => {
        const code = (event as { code?: number } | undefined)?.code;
        setState(code === 4403 || code === 4401 ? "unauthorized" : everConnected ? "reconnecting" : "connecting");
      },
    },
  });
  return wsClient;
}

/** Starts the socket now (the connection indicator shows its state from the first paint). */
export function connect(): void {
  client();
}

interface GqlResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function unwrap<T>(body: GqlResponse<T>): T {
  if (body.errors?.length) {
    const e = body.errors[0]!;
    const code = e.extensions?.code ?? null;
    if (code === "UNAUTHENTICATED" || code === "FORBIDDEN") setState("unauthorized");
    throw new ApiError(e.message, code);
  }
  if (!body.data) throw new ApiError("The server answered without data.", null);
  return body.data;
}

export async function request<T, V>(doc: TypedDocumentString<T, V>, variables?: V): Promise<T> {
  let res: Response;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", ...authHeader() },
      body: JSON.stringify({ query: doc.toString(), variables }),
    });
  } catch {
    throw new ApiError("The server cannot be reached; the page reconnects on its own.", "NETWORK");
  }
  let body: GqlResponse<T>;
  try {
    body = (await res.json()) as GqlResponse<T>;
  } catch {
    throw new ApiError(`The server answered HTTP ${res.status} without a GraphQL body.`, "NETWORK");
  }
  return unwrap(body);
}

/** Subscribes; returns the unsubscribe function. Errors go to onError (the socket itself retries). */
export function subscribe<T, V>(doc: TypedDocumentString<T, V>, variables: V, onData: (data: T) => void, onError?: (e: ApiError) => void): () => void {
  return client().subscribe<T>(
    { query: doc.toString(), variables: variables as Record<string, unknown> },
    {
      next: (r) => {
        try {
          onData(unwrap(r as GqlResponse<T>));
        } catch (e) {
          onError?.(e as ApiError);
        }
      },
      error: (e) => onError?.(new ApiError(subscriptionError(e), null)),
      complete: () => {},
    },
  );
}

/** graphql-ws reports an Error, a CloseEvent, or the GraphQL errors of a refused subscription. */
function subscriptionError(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (Array.isArray(e)) return e.map((x) => (x as { message?: string }).message ?? String(x)).join("; ");
  const close = e as { code?: number; reason?: string } | null;
  if (close && typeof close.code === "number") return `The live connection closed (${close.code}${close.reason ? `: ${close.reason}` : ""}).`;
  return "The subscription failed.";
}
