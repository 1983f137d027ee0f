import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";

/**
 * Limits against abusive queries. Depth is a validation rule (fragments are followed; introspection
 * is exempt so GraphiQL works). Complexity is computed per operation with the variables, each
 * list field multiplying its children by how many items it can return; aliases are separate
 * fields to the estimator, so aliasing a costly field N times costs N times.
 */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const depthOf = (set: SelectionSetNode | undefined, depth: number, seen: Set<string>): number => {
      if (!set) return depth;
      let max = depth;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          if (s.name.value.startsWith("__")) continue;
          max = Math.max(max, s.selectionSet ? depthOf(s.selectionSet, depth + 1, seen) : depth + 1);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          max = Math.max(max, depthOf(s.selectionSet, depth, seen));
        } else {
          const name = s.name.value;
          const f = fragments.get(name);
          if (!f || seen.has(name)) continue; // unknown or cyclic fragments are reported by other rules
          max = Math.max(max, depthOf(f.selectionSet, depth, new Set(seen).add(name)));
        }
        if (max > maxDepth) return max; // no need to walk further
      }
      return max;
    };
    return {
      OperationDefinition(op) {
        const depth = depthOf(op.selectionSet, 0, new Set());
        if (depth > maxDepth)
          context.reportError(
            new GraphQLError(`Query is too deep: depth ${depth > maxDepth + 1 ? `over ${maxDepth}` : depth} exceeds the limit of ${maxDepth} (GRAPHQL_MAX_DEPTH). Request fewer nested levels.`, {
              nodes: [op],
              extensions: { code: "BAD_USER_INPUT" },
            }),
          );
      },
    };
  };
}

/** Cost of a list field whose size is an argument (default when absent), times its children. */
export const listCost =
  (argName: string, fallback: number) =>
  ({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }) => {
    const n = typeof args[argName] === "number" ? (args[argName] as number) : fallback;
    return 1 + Math.max(1, n) * Math.max(1, childComplexity);
  };

/** Cost of a list field of bounded but unparameterised size (a batch's jobs). */
export const fixedListCost =
  (size: number) =>
  ({ childComplexity }: { childComplexity: number }) =>
    1 + size * Math.max(1, childComplexity);

/** Throws BAD_USER_INPUT when the operation would cost more than `max`. */
export function assertComplexity(o: {
  schema: GraphQLSchema;
  document: DocumentNode;
  variables?: Record<string, unknown>;
  operationName?: string | null;
  max: number;
}): number {
  let cost: number;
  try {
    cost = getComplexity({
      schema: o.schema,
      query: o.document,
      variables: o.variables ?? {},
      operationName: o.operationName ?? undefined,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
      maxQueryNodes: 10_000,
    });
  } catch (err) {
    throw new GraphQLError(`Query could not be costed: ${(err as Error).message}`, { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } });
  }
  if (cost > o.max)
    throw new GraphQLError(
      `Query is too complex: cost ${cost} exceeds the limit of ${o.max} (GRAPHQL_MAX_COMPLEXITY). Ask for fewer items (first), fewer aliases or fewer nested lists.`,
      { extensions: { code: "BAD_USER_INPUT", cost, limit: o.max, http: { status: 400 } } },
    );
  return cost;
}
