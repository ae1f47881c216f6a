import {
  type ExecutionResult,
  execute,
  type GraphQLAbstractType,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  type GraphQLTypeResolver,
  getNamedType,
  getNullableType,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  type SelectionSetNode,
} from "graphql";
import { githubSchema } from "./schema.js";

/**
 * Which nullable positions of a generated response are null. `below`: every nullable field at that depth or deeper
 * (depth 1 is the query's root fields), so a sweep over depths nulls every nullable field with the path to it
 * present. Nullable list items are always null beside one present item.
 */
export interface NullPlan {
  below: number;
}

const SCALARS: Record<string, unknown> = {
  String: "text",
  Int: 1,
  Float: 1,
  Boolean: false,
  ID: "ID_1",
  DateTime: "2026-11-25T12:00:00Z",
  URI: "https://github.com/acme/specs/issues/1",
  GitObjectID: "0123456789abcdef0123456789abcdef01234567",
};

function leaf(type: GraphQLOutputType): unknown {
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]!.value;
  return SCALARS[named.name] ?? "text";
}

function depthOf(path: { prev: unknown; key: string | number } | undefined): number {
  let depth = 0;
  for (let p = path; p; p = p.prev as typeof path) if (typeof p.key === "string") depth++;
  return depth;
}

/** A value for a field of type `type`: null where the plan says, a list of one item (and a null one when allowed). */
function valueFor(type: GraphQLOutputType, nullHere: boolean): unknown {
  if (!isNonNullType(type) && nullHere) return null;
  const inner = getNullableType(type);
  if (isListType(inner)) {
    const item = inner.ofType as GraphQLOutputType;
    const one = isLeafType(getNullableType(item)) ? leaf(item) : {};
    return isNonNullType(item) ? [one] : [one, null];
  }
  return isLeafType(inner) ? leaf(inner) : {};
}

/** The concrete type of an abstract field: the first one the selection names in a fragment, else the first possible. */
const typeResolver: GraphQLTypeResolver<unknown, unknown> = (_value, _context, info, abstract) => {
  const possible = info.schema.getPossibleTypes(abstract as GraphQLAbstractType).map((t) => t.name);
  const named: string[] = [];
  const visit = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? [])
      if (s.kind === Kind.INLINE_FRAGMENT) {
        if (s.typeCondition) named.push(s.typeCondition.name.value);
        visit(s.selectionSet);
      }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return named.find((n) => possible.includes(n)) ?? possible[0];
};

/**
 * The response GitHub's schema allows for `query` that is as null as `plan` says: what a reader must survive.
 * Runs the document on the (extended) schema with resolvers that invent each value from its type.
 */
export function schemaResponse(query: string, variables: Record<string, unknown>, plan: NullPlan): unknown {
  const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (_source, _args, _context, info) =>
    valueFor(info.returnType, depthOf(info.path) >= plan.below);
  const result = execute({
    schema: githubSchema(),
    document: parse(query),
    variableValues: variables,
    fieldResolver,
    typeResolver,
  }) as ExecutionResult;
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join("; "));
  return result.data;
}

/** How deep the selection of `query` goes (the deepest `below` worth sweeping). */
export function selectionDepth(query: string): number {
  const depth = (set: SelectionSetNode | undefined): number =>
    Math.max(
      0,
      ...(set?.selections ?? []).map((s) =>
        s.kind === Kind.FIELD
          ? 1 + depth(s.selectionSet)
          : depth((s as { selectionSet?: SelectionSetNode }).selectionSet),
      ),
    );
  const op = parse(query).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return op && "selectionSet" in op ? depth(op.selectionSet) : 0;
}
