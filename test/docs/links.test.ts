import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import GithubSlugger from "github-slugger";
import { lexer, type Token, type Tokens } from "marked";
import { describe, expect, it } from "vitest";

/**
 * Every relative link and anchor in README.md and docs/ resolves: the file exists, and the `#anchor` is a heading
 * of that file as GitHub slugs it (github-slugger, GitHub's own algorithm) or an explicit `<a id>`/`name`.
 * Links are read with marked's lexer, so links inside code blocks and code spans are not links.
 */
const root = resolve(import.meta.dirname, "../..");
const pages = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

function walk(tokens: readonly Token[], visit: (token: Token) => void): void {
  for (const token of tokens) {
    visit(token);
    const nested = token as {
      tokens?: Token[];
      items?: Token[];
      header?: { tokens: Token[] }[];
      rows?: { tokens: Token[] }[][];
    };
    if (nested.tokens) walk(nested.tokens, visit);
    if (nested.items) walk(nested.items, visit);
    for (const cell of nested.header ?? []) walk(cell.tokens, visit);
    for (const row of nested.rows ?? []) for (const cell of row) walk(cell.tokens, visit);
  }
}

function linksOf(markdown: string): string[] {
  const links: string[] = [];
  walk(lexer(markdown), (t) => {
    if (t.type === "link" || t.type === "image") links.push((t as Tokens.Link).href);
    if (t.type === "html" || t.type === "text")
      for (const m of (t as Tokens.HTML).raw.matchAll(/<a\s[^>]*href="([^"]+)"/g)) links.push(m[1] as string);
  });
  return links;
}

function anchorsOf(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  walk(lexer(markdown), (t) => {
    if (t.type === "heading") anchors.add(slugger.slug((t as Tokens.Heading).text.replace(/`/g, "")));
  });
  for (const m of markdown.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) anchors.add(m[1] as string);
  return anchors;
}

function problemsIn(page: string): string[] {
  const text = readFileSync(join(root, page), "utf8");
  const problems: string[] = [];
  for (const href of linksOf(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto:, ...
    const [path = "", anchor] = href.split("#");
    const target = path ? resolve(dirname(join(root, page)), decodeURIComponent(path)) : join(root, page);
    if (!existsSync(target)) {
      problems.push(`${page}: ${href} — no such file ${relative(root, target)}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (statSync(target).isDirectory() || !target.endsWith(".md")) {
      problems.push(`${page}: ${href} — an anchor into a file that has no headings`);
      continue;
    }
    if (!anchorsOf(readFileSync(target, "utf8")).has(anchor))
      problems.push(`${page}: ${href} — no heading #${anchor} in ${relative(root, target)}`);
  }
  return problems;
}

describe("documentation links", () => {
  it.each(pages)("every relative link and anchor in %s resolves", (page) => {
    expect(problemsIn(page)).toEqual([]);
  });

  it("the checker finds broken links and anchors, and ignores code", () => {
    const md = "# Hello `World`\n\n[a](#hello-world) [b](nope.md) `[c](x.md)`\n\n```\n[d](y.md)\n```\n";
    expect(linksOf(md)).toEqual(["#hello-world", "nope.md"]);
    expect(anchorsOf(md)).toEqual(new Set(["hello-world"]));
    expect(anchorsOf("## Deployment: server, Docker, GitHub Actions\n## A\n## A")).toEqual(
      new Set(["deployment-server-docker-github-actions", "a", "a-1"]),
    );
  });

  it("README stays short: at most ~10 KB of text (the formatter's table padding not counted)", () => {
    const text = readFileSync(join(root, "README.md"), "utf8").replace(/ {2,}/g, " ");
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(10_500);
  });
});
