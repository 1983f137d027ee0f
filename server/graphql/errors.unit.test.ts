import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../core/log/logger";
import { DomainError } from "../../domain/shared/domain-error";
import { RetriesExhaustedError } from "../../core/eventlog/errors";
import { formatGraphQLError } from "./errors";

const wrap = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ["x"] });

describe("formatGraphQLError", () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (l) => lines.push(l), secrets: ["s3cret-token-value"] });

  it("keeps a domain error's code and message", () => {
    const e = wrap(new DomainError("CONFLICT", "Job already completed: there is nothing to retry."));
    expect(formatGraphQLError(e.toJSON(), e, logger)).toMatchObject({ message: "Job already completed: there is nothing to retry.", extensions: { code: "CONFLICT" } });
  });

  it("masks anything unexpected and logs it without secrets", () => {
    const e = wrap(new Error("connect ECONNREFUSED with token s3cret-token-value at /srv/data"));
    const out = formatGraphQLError(e.toJSON(), e, logger);
    expect(out).toEqual({ message: "Internal server error", path: ["x"], extensions: { code: "INTERNAL_SERVER_ERROR" } });
    expect(lines.join("\n")).toContain("ECONNREFUSED");
    expect(lines.join("\n")).not.toContain("s3cret-token-value");
  });

  it("turns GraphQL validation failures into BAD_USER_INPUT", () => {
    const e = new GraphQLError('Value "SPARKLE" does not exist in "Template" enum.', { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    expect(formatGraphQLError(e.toJSON(), e, logger).extensions).toEqual({ code: "BAD_USER_INPUT", reason: "GRAPHQL_VALIDATION_FAILED" });
  });

  it("keeps public codes of errors we raise ourselves, without stack traces", () => {
    const e = new GraphQLError("no", { extensions: { code: "FORBIDDEN", stacktrace: ["at x"] } });
    expect(formatGraphQLError(e.toJSON(), e, logger).extensions).toEqual({ code: "FORBIDDEN" });
  });

  it("answers an aggregate too busy to update as a retryable CONFLICT, not an internal error", () => {
    const e = wrap(new RetriesExhaustedError("ef.events.batch.b1", 8));
    expect(formatGraphQLError(e.toJSON(), e, logger)).toMatchObject({ extensions: { code: "CONFLICT", retryable: true }, message: expect.stringMatching(/send the request again/) });
  });
});
