import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import { DomainError } from "../../domain/shared/domain-error";
import { ConcurrencyConflictError, RetriesExhaustedError } from "../../core/eventlog/errors";
import type { Logger } from "../../core/log/logger";

/** The codes clients may branch on; anything else is masked. */
export const PUBLIC_CODES = new Set(["BAD_USER_INPUT", "NOT_FOUND", "CONFLICT", "UNAUTHENTICATED", "FORBIDDEN"]);

/** Codes graphql-js/Apollo give to requests that are malformed: the caller's input, so BAD_USER_INPUT. */
const INPUT_CODES = new Set(["GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_USER_INPUT", "OPERATION_RESOLUTION_FAILURE", "PERSISTED_QUERY_NOT_SUPPORTED"]);

export const userError = (code: "BAD_USER_INPUT" | "NOT_FOUND" | "CONFLICT" | "UNAUTHENTICATED" | "FORBIDDEN", message: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra } });

function unwrap(error: unknown): unknown {
  let e = error;
  // resolver errors arrive wrapped in a GraphQLError (sometimes twice, via type-graphql)
  while (e instanceof GraphQLError && e.originalError && e.originalError !== e) e = e.originalError;
  return e;
}

/**
 * One error policy for HTTP and WebSocket: domain errors keep their code and message; input errors
 * become BAD_USER_INPUT; anything unexpected is logged and answered as "Internal server error",
 * so stack traces, paths and secrets never reach a client.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const original = unwrap(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
  if (original instanceof RetriesExhaustedError || original instanceof ConcurrencyConflictError) {
    // many writers on one aggregate at once: nothing was lost, and the same request again will pass
    return { ...base, message: "The batch or job was being changed by several requests at once; send the request again.", extensions: { code: "CONFLICT", retryable: true } };
  }
  if (original instanceof ArgumentValidationError) {
    const detail = flattenValidation(original.extensions.validationErrors as ValidationProblem[] | undefined, "");
    return { ...base, message: `Invalid input: ${detail.join("; ") || "check the arguments"}.`, extensions: { code: "BAD_USER_INPUT" } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === "string" && PUBLIC_CODES.has(code) && (original instanceof GraphQLError || original === undefined || original === error))
    return { ...base, extensions: pick(formatted.extensions) };
  if (typeof code === "string" && INPUT_CODES.has(code)) return { ...base, extensions: { code: "BAD_USER_INPUT", reason: code } };
  logger.error("unexpected GraphQL error", { error: original instanceof Error ? (original.stack ?? original.message) : String(original), path: formatted.path });
  return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}

/** Drops Apollo's stacktrace and http details from extensions. */
function pick(ext: Record<string, unknown> | undefined): Record<string, unknown> {
  const { stacktrace: _s, http: _h, exception: _e, ...rest } = ext ?? {};
  return rest;
}

interface ValidationProblem {
  readonly property: string;
  readonly constraints?: Record<string, string>;
  readonly children?: ValidationProblem[];
}

/** class-validator nests problems of nested inputs; the message names the full path (options.fps). */
function flattenValidation(problems: readonly ValidationProblem[] | undefined, prefix: string): string[] {
  return (problems ?? []).flatMap((p) => {
    const path = prefix ? `${prefix}.${p.property}` : p.property;
    return [...Object.values(p.constraints ?? {}).map((c) => `${path}: ${c}`), ...flattenValidation(p.children, path)];
  });
}
