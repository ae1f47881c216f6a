import fc from "fast-check";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { defaultConfig, parseConfig } from "../../src/domain/config.js";

const KEYS = ["labels", "batch", "agents", "commanders", "validation", "project", "dashboard"];

/** Values shaped like `.github/batch.yml`, right and wrong, so that both branches of the schema are reached. */
const login = fc.oneof(
  fc.constantFrom("alice", "@bob", "ci[bot]", "acme/qa", "@acme/qa", "", "-x", "a b"),
  fc.string(),
);
const configLike = fc.record(
  {
    labels: fc.oneof(
      fc.dictionary(
        fc.constantFrom("spec", "blocked", "ready", "nope", "domain-prefix"),
        fc.oneof(fc.string(), fc.integer()),
      ),
      fc.anything(),
    ),
    batch: fc.oneof(
      fc.record(
        {
          size: fc.record(
            { min: fc.integer({ min: -2, max: 20 }), max: fc.integer({ min: -2, max: 20 }) },
            { requiredKeys: [] },
          ),
          overlap: fc.oneof(fc.integer({ min: -1, max: 12 }), fc.string()),
          "auto-next": fc.anything(),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    ),
    agents: fc.oneof(
      fc.array(
        fc.record({ login, domains: fc.array(fc.string(), { maxLength: 3 }) }, { requiredKeys: ["login"] }),
        {
          maxLength: 5,
        },
      ),
      fc.anything(),
    ),
    commanders: fc.oneof(fc.array(login, { maxLength: 5 }), fc.anything()),
    validation: fc.oneof(
      fc.constant(null),
      fc.record({ b1: fc.array(login), b2: fc.array(login) }, { requiredKeys: [] }),
    ),
    project: fc.oneof(
      fc.constant(null),
      fc.record({ owner: fc.string(), number: fc.integer() }),
      fc.record({ url: fc.constantFrom("https://github.com/orgs/acme/projects/3", "nope") }),
    ),
    dashboard: fc.anything(),
    unknown: fc.anything(),
  },
  { requiredKeys: [] },
);

/** `.github/batch.yml` texts with anchors and aliases, which YAML may resolve to values that contain themselves. */
const yamlText = fc.constantFrom(
  "agents: &a [*a]",
  "labels: &l {spec: *l}",
  "commanders: &c\n  - *c\n  - alice",
  "batch: &b\n  size: *b",
  "agents:\n  - &x {login: alice, domains: *x}",
  "a: &a {b: *a}\nagents: *a",
);

describe("parseConfig (property)", () => {
  it("never throws, whatever the parsed YAML holds", () => {
    fc.assert(
      fc.property(fc.oneof(configLike, fc.anything(), fc.jsonValue()), (input) => {
        parseConfig(input);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on YAML that refers to itself", () => {
    fc.assert(
      fc.property(yamlText, (text) => {
        const result = parseConfig(YAML.parse(text));
        expect(result.ok).toBe(false);
      }),
    );
  });

  it("invents no agent, commander or validator, and points its problems at keys the file has", () => {
    fc.assert(
      fc.property(configLike, (input) => {
        const result = parseConfig(input);
        const given = (list: unknown) =>
          (Array.isArray(list) ? list : []).map((x) =>
            String((x as { login?: unknown })?.login ?? x).replace(/^@/, ""),
          );
        if (result.ok) {
          for (const agent of result.config.agents) expect(given(input.agents)).toContain(agent.login);
          for (const who of result.config.commanders) expect(given(input.commanders)).toContain(who);
          const validation = input.validation as { b1?: unknown; b2?: unknown } | null | undefined;
          for (const who of result.config.validation?.b1 ?? []) expect(given(validation?.b1)).toContain(who);
          for (const who of result.config.validation?.b2 ?? []) expect(given(validation?.b2)).toContain(who);
          for (const key of Object.keys(result.config.labels) as Array<keyof typeof result.config.labels>) {
            const label = (input.labels as Record<string, unknown> | undefined)?.[key];
            expect([label, defaultConfig().labels[key]]).toContain(result.config.labels[key]);
          }
        } else {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) {
            const top = problem.path.split(/[.[]/)[0]!;
            expect(top === "(top level)" || (top in input && KEYS.includes(top))).toBe(true);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
