import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDependencies } from "../../src/domain/dependencies.js";
import { type RepoRef, refKey } from "../../src/domain/references.js";

const HOME: RepoRef = { owner: "acme", repo: "specs" };
const HOSTS = ["github.com", "ghe.example.com"];

const number = fc.integer({ min: 0, max: 12_000_000_000 }).map(String);
const name = fc.constantFrom("acme", "ACME", "other", "a-b", "x.y", "o_o", "-bad", "specs", "api");
const reference = fc.oneof(
  number.map((n) => `#${n}`),
  fc.tuple(name, name, number).map(([o, r, n]) => `${o}/${r}#${n}`),
  fc
    .tuple(
      fc.constantFrom("github.com", "ghe.example.com", "evil.example", "www.github.com"),
      name,
      name,
      number,
    )
    .chain(([host, o, r, n]) =>
      fc
        .constantFrom("issues", "pull", "discussions")
        .map((kind) => `https://${host}/${o}/${r}/${kind}/${n}`),
    ),
);
const piece = fc.oneof(
  reference,
  reference,
  fc.constantFrom(
    "Depends on ",
    "depends on:",
    "Blocked by ",
    "Requires ",
    "After ",
    "**Depends on**: ",
    "- ",
    "1. ",
    "- [ ] ",
    "- [x] ",
    "## Dependencies",
    "### Dependencies:",
    "# Other",
    ", ",
    " and ",
    " & ",
    "```",
    "~~~",
    "> ",
    "`",
    "<!--",
    "-->",
    "\n",
    " ",
    "0",
    "#",
  ),
  fc.string({ maxLength: 12 }),
);
const body = fc.array(piece, { maxLength: 50 }).map((parts) => parts.join(""));

/** Whether `text` spells `ref` in a form the parser accepts. */
function spelled(text: string, ref: { owner: string; repo: string; number: number }): boolean {
  const lower = text.toLowerCase();
  const o = ref.owner.toLowerCase();
  const r = ref.repo.toLowerCase();
  const home = o === HOME.owner && r === HOME.repo;
  return (
    (home && new RegExp(`#0*${ref.number}(?![0-9])`).test(lower)) ||
    lower.includes(`${o}/${r}#${ref.number}`) ||
    new RegExp(
      `/${o.replace(/\./g, "\\.")}/${r.replace(/\./g, "\\.")}/(issues|pull)/${ref.number}(?![0-9])`,
    ).test(lower)
  );
}

describe("parseDependencies (property)", () => {
  it("never throws, on any text", () => {
    fc.assert(
      fc.property(fc.oneof(body, fc.string({ unit: "binary" })), (text) => {
        parseDependencies(text, HOME, HOSTS);
      }),
      { numRuns: 2000 },
    );
  });

  it("never invents a reference: each one is spelled in the body, once, with a positive number", () => {
    fc.assert(
      fc.property(body, (text) => {
        const refs = parseDependencies(text, HOME, HOSTS);
        expect(new Set(refs.map(refKey)).size).toBe(refs.length);
        for (const ref of refs) {
          expect(ref.number).toBeGreaterThan(0);
          expect(spelled(text, ref), `${refKey(ref)} is not in ${JSON.stringify(text)}`).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("reads no reference from an unknown host, and nothing inside an unclosed fence", () => {
    fc.assert(
      fc.property(name, name, fc.integer({ min: 1, max: 999 }), (o, r, n) => {
        expect(
          parseDependencies(`Depends on https://evil.example/${o}/${r}/issues/${n}`, HOME, HOSTS),
        ).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(body, (text) => {
        expect(parseDependencies(`~~~\n${text.replace(/[`~]/g, "")}`, HOME, HOSTS)).toEqual([]);
      }),
    );
  });
});
