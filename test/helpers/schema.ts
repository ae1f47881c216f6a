import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, extendSchema, type GraphQLSchema, parse, validate } from "graphql";

let schema: GraphQLSchema | null = null;

/** GitHub's public schema (@octokit/graphql-schema) extended with the sub-issue and dependency fields it lacks. */
export function githubSchema(): GraphQLSchema {
  if (!schema) {
    const sdl = readFileSync(
      join(dirname(fileURLToPath(import.meta.resolve("@octokit/graphql-schema"))), "schema.graphql"),
      "utf8",
    );
    const extensions = readFileSync(new URL("../schema/github-extensions.graphql", import.meta.url), "utf8");
    schema = extendSchema(buildSchema(sdl, { assumeValidSDL: true }), parse(extensions), {
      assumeValidSDL: true,
    });
  }
  return schema;
}

/** Validation errors of a document against GitHub's schema; empty when valid. */
export function validateDocument(document: string): string[] {
  try {
    return validate(githubSchema(), parse(document)).map((e) => e.message);
  } catch (error) {
    return [(error as Error).message];
  }
}
