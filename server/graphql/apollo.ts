import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "../../core/log/logger";
import type { GraphQLContext } from "./context";
import { formatGraphQLError } from "./errors";
import { assertComplexity, depthLimitRule } from "./limits";

export interface ApolloOptions {
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  readonly maxDepth: number;
  readonly maxComplexity: number;
}

/** Rejects operations over the complexity limit once variables are known, before anything runs. */
const complexityPlugin = (schema: GraphQLSchema, max: number): ApolloServerPlugin<GraphQLContext> => ({
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document }) {
        assertComplexity({ schema, document, variables: request.variables, operationName: request.operationName, max });
      },
    };
  },
});

/** Our GraphiQL is served on GET /graphql, so Apollo's (CDN-based) landing page is off. */
export async function createApollo(o: ApolloOptions): Promise<ApolloServer<GraphQLContext>> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: o.schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    validationRules: [depthLimitRule(o.maxDepth)],
    formatError: (formatted, error) => formatGraphQLError(formatted, error, o.logger),
    plugins: [ApolloServerPluginLandingPageDisabled(), complexityPlugin(o.schema, o.maxComplexity)],
    logger: {
      debug: (m) => o.logger.debug(String(m)),
      info: (m) => o.logger.info(String(m)),
      warn: (m) => o.logger.warn(String(m)),
      error: (m) => o.logger.error(String(m)),
    },
  });
  await apollo.start();
  return apollo;
}
