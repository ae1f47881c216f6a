import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createHarness, type Harness, repositoryPayload } from "../helpers/harness.js";

/**
 * No handler fails (a 500 to GitHub) on any payload GitHub may send for the events batchbot subscribes to: every
 * example of @octokit/webhooks-examples, as is and with the accounts GitHub may leave out (a deleted user, a
 * missing sender) set to null, is handled without tripping over the payload.
 */

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples") as Array<{
  name: string;
  examples: Array<Record<string, any>>;
}>;
/** What GitHub delivers: the manifest's events plus the installation events every app gets. */
const manifest = parse(readFileSync("app.yml", "utf8")) as { default_events: string[] };
const EVENTS = [...manifest.default_events, "installation", "installation_repositories"];
const R = "acme/specs";
let h: Harness;
afterEach(() => h?.fake.uninstall());

/** The payload with each account field GitHub may leave null (users of deleted accounts) set to null. */
function withNullAccounts(payload: Record<string, any>): Record<string, any> {
  const copy = structuredClone(payload);
  for (const key of ["issue", "comment", "review", "pull_request", "check_run"])
    if (copy[key] && typeof copy[key] === "object" && "user" in copy[key]) copy[key].user = null;
  copy.sender = null;
  return copy;
}

const cases = examples
  .filter((group) => EVENTS.includes(group.name))
  .flatMap((group) =>
    group.examples.flatMap((example, i) => [
      { name: `${group.name}.${example.action ?? ""} #${i}`, event: group.name, payload: example },
      {
        name: `${group.name}.${example.action ?? ""} #${i}, null accounts`,
        event: group.name,
        payload: withNullAccounts(example),
      },
    ]),
  );

describe("any payload of the subscribed events", () => {
  it.each(cases)("$name is handled without failing", async ({ event, payload }) => {
    h = createHarness();
    h.fake.allowUnhandled = true;
    const repo = h.fake.repo(R);
    repo.collaborators.set("codertocat", "admin");
    for (let n = 1; n <= 3; n++) h.fake.addIssue(R, { number: n, title: `SPEC ${n}`, labels: ["spec"] });
    const delivered = structuredClone(payload);
    if (delivered.repository) delivered.repository = repositoryPayload(repo, delivered.repository);
    // Repositories and pull requests the examples name that the fake GitHub doesn't hold are answered "not found",
    // and a handler may stop there; what it may not do is trip over the payload itself (a TypeError).
    const error = await h.receive(event, delivered).then(
      () => null,
      (e: unknown) => e as { errors?: unknown[] },
    );
    const crashes = (error?.errors ?? (error ? [error] : [])).filter((e) => e instanceof TypeError);
    expect(crashes.map((e) => (e as Error).stack?.split("\n").slice(0, 3).join(" "))).toEqual([]);
  });
});
