import type { Server } from "node:http";
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { InvalidTokenError, type Authenticator, type Principal } from "../auth/principal";
import type { ServerServices } from "../services";
import { createContext, positionFromHeader } from "./context";
import { formatGraphQLError } from "./errors";
import { assertComplexity, depthLimitRule } from "./limits";

/**
 * graphql-ws (subprotocol graphql-transport-ws) on the same port and path as HTTP GraphQL.
 * Auth happens once, in connection_init: `{ authorization: "Bearer <token>" }`. With tokens
 * configured a connection without a valid one is closed (4403), so no subscription can start.
 * Each operation gets the same parse/validate/limits as HTTP and its own context (own loaders).
 */
export function attachGraphQLWs(o: { httpServer: Server; schema: GraphQLSchema; services: ServerServices; auth: Authenticator }) {
  const { schema, services, auth } = o;
  const logger = services.logger.child({ component: "graphql-ws" });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const rules = [...specifiedRules, depthLimitRule(services.config.graphqlMaxDepth)];
  const principals = new WeakMap<object, Principal>();
  let connections = 0;

  const disposable = useServer(
    {
      schema,
      onConnect: (ctx) => {
        const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
        const header = params.authorization ?? params.Authorization;
        try {
          const p = auth.resolve(typeof header === "string" ? header : null);
          if (auth.enabled && !p.authenticated) return false;
          principals.set(ctx, p);
          return true;
        } catch (err) {
          if (err instanceof InvalidTokenError) return false;
          throw err;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [asInputError(err as GraphQLError)];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors.map(asInputError);
        try {
          assertComplexity({ schema, document, variables: payload.variables ?? {}, operationName: payload.operationName, max: services.config.graphqlMaxComplexity });
        } catch (err) {
          return [err as GraphQLError];
        }
        const position = positionFromHeader(String((payload.extensions as Record<string, unknown> | undefined)?.position ?? ""));
        const contextValue = createContext(services, principals.get(ctx)!, position);
        await contextValue.atLeast(null);
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return;
        return { ...result, errors: result.errors.map((e) => formatGraphQLError(e.toJSON(), e, logger)) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatGraphQLError(e.toJSON(), e, logger)),
    },
    wss,
  );

  wss.on("connection", (socket) => {
    connections++;
    socket.once("close", () => connections--);
  });

  return {
    wss,
    connections: () => connections,
    async close() {
      for (const c of wss.clients) c.close(1001, "Server shutting down");
      await disposable.dispose();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

/** Parse and validation errors are the caller's input: give them the code HTTP would. */
function asInputError(e: GraphQLError): GraphQLError {
  if (e.extensions?.code) return e;
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, extensions: { code: "BAD_USER_INPUT" } });
}
