import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  engines: { node: string };
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The modules a file imports at run time: what TypeScript emits for it (type-only imports are gone). */
function runtimeImports(source: string, file = "module.ts"): string[] {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2023,
      verbatimModuleSyntax: true,
    },
    fileName: file,
  });
  const specifiers = [
    ...outputText.matchAll(/^\s*(?:import|export)\b[^"'`;]*?\bfrom\s*["']([^"']+)["']/gm),
    ...outputText.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...outputText.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1] as string);
  return specifiers;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

describe("runtime dependencies", () => {
  it("every package src/ imports at run time is a dependency, not a devDependency", () => {
    const missing: string[] = [];
    for (const file of sources("src"))
      for (const specifier of runtimeImports(readFileSync(file, "utf8"), file)) {
        if (specifier.startsWith(".") || builtins.has(specifier)) continue;
        const name = packageOf(specifier);
        if (!(name in pkg.dependencies)) missing.push(`${file} imports ${specifier}`);
      }
    expect(missing, "move these to dependencies in package.json").toEqual([]);
  });

  it("the scan sees value, re-exported, side-effect and dynamic imports, and no type-only one", () => {
    const source = [
      'import type { A } from "types-only";',
      'import { type B } from "kept-by-verbatim-syntax";',
      'import { C } from "value";',
      'import "side-effect";',
      'export { E } from "re-export";',
      'const d = await import("dynamic");',
      "export const x: A | B = C ?? d;",
    ].join("\n");
    expect(runtimeImports(source).sort()).toEqual(
      ["dynamic", "kept-by-verbatim-syntax", "re-export", "side-effect", "value"].sort(),
    );
    expect(packageOf("@probot/pino/x")).toBe("@probot/pino");
    expect(packageOf("yaml/util")).toBe("yaml");
  });
});

const ciWorkflow = parse(readFileSync(".github/workflows/ci.yml", "utf8")) as {
  jobs: Record<
    string,
    {
      strategy?: { matrix?: { "node-version"?: Array<number | string> } };
      steps: Array<Record<string, unknown>>;
    }
  >;
};
const dockerfile = readFileSync("Dockerfile", "utf8");

describe("Node versions", () => {
  const matrix = Object.values(ciWorkflow.jobs).flatMap(
    (job) => job.strategy?.matrix?.["node-version"] ?? [],
  );

  it("CI runs the tests on Node 20, 22 and 24", () => {
    expect(matrix.map(String)).toEqual(["20", "22", "24"]);
    const setup = Object.values(ciWorkflow.jobs)
      .flatMap((job) => job.steps)
      .find((step) => String(step.uses ?? "").startsWith("actions/setup-node"));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    const fromMatrix = "${{ matrix.node-version }}";
    expect(((setup?.with ?? {}) as Record<string, unknown>)["node-version"]).toBe(fromMatrix);
  });

  it("the Docker image is pinned, by one build argument, to a Node LTS version CI tests", () => {
    const args = [...dockerfile.matchAll(/^ARG NODE_VERSION=(\S+)$/gm)].map((m) => m[1]);
    expect(args).toHaveLength(1);
    const version = args[0] ?? "";
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const major = Number(version.split(".")[0]);
    expect(major % 2, "an even major is an LTS line").toBe(0);
    expect(matrix.map(Number)).toContain(major);
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThan(0);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile build argument
    for (const image of froms) expect(image).toBe("node:${NODE_VERSION}-slim");
    expect(dockerfile.indexOf("ARG NODE_VERSION")).toBeLessThan(dockerfile.indexOf("FROM "));
  });

  it("package.json's engines admit every version CI tests", () => {
    expect(pkg.engines.node).toBe(">=20.18.1");
  });
});
