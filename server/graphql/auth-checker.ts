import type { AuthCheckerFn } from "type-graphql";
import type { GraphQLContext } from "./context";
import { userError } from "./errors";

/**
 * `@Authorized("operator")` on mutations. A missing token is UNAUTHENTICATED (say who you are); a
 * viewer token is FORBIDDEN (you may read, not change). Thrown, not returned, so the code is ours.
 */
export const authChecker: AuthCheckerFn<GraphQLContext> = ({ context }, roles) => {
  const p = context.principal;
  if (roles.includes("operator") && p.role !== "operator") {
    if (!p.authenticated) throw userError("UNAUTHENTICATED", "This operation changes data: send Authorization: Bearer <operator token>.");
    throw userError("FORBIDDEN", `${p.actor} has the viewer role; this operation needs an operator token.`);
  }
  if (roles.includes("subscriber") && context.services.config.apiTokens.length > 0 && !p.authenticated)
    throw userError("UNAUTHENTICATED", "Subscriptions need a token: send { authorization: \"Bearer <token>\" } in connection_init.");
  return true;
};

/** Subscribe functions run before type-graphql's middlewares: they check for themselves. */
export function requireSubscriber(context: GraphQLContext): void {
  authChecker({ context, root: undefined, args: {}, info: undefined as never }, ["subscriber"]);
}
