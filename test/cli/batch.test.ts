import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Ajv } from "ajv";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { batchNumber } from "../../src/cli/batch.js";
import { type Io, run } from "../../src/cli.js";
import { parseBatchData } from "../../src/domain/batch-data.js";
import { createHarness, type Harness } from "../helpers/harness.js";

const REPO = "acme/specs";
const validate = new Ajv({ strict: true }).compile(
  JSON.parse(readFileSync("schema/batch-data.schema.json", "utf8")),
);
let h: Harness;
afterEach(() => h?.fake.uninstall());

function piped(text: string): Io["stdin"] {
  return Object.assign(Readable.from([Buffer.from(text)]), { isTTY: false });
}

async function cli(argv: string[], stdin?: Io["stdin"]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    cwd: process.cwd(),
    stdin,
  });
  return { code, out: out.join(""), err: err.join("") };
}

/** A batch issue opened by the app, as `gh issue view --json body,number` prints it. */
async function openedBatch() {
  h = createHarness();
  const repo = h.fake.repo(REPO);
  repo.collaborators.set("lead", "maintain");
  repo.collaborators.set("alice", "write");
  repo.files.set(".github/batch.yml", stringify({ agents: [{ login: "alice" }] }));
  h.fake.addIssue(REPO, {
    number: 1,
    title: "Schema `users`",
    labels: ["spec", "partial"],
    body: "## Remaining\n- index\n## Acceptance criteria\n- [ ] unique email",
  });
  h.fake.addIssue(REPO, { number: 2, title: "API", labels: ["spec"], body: "Depends on #1" });
  const planning = h.fake.addIssue(REPO, { title: "Planning" }).number;
  await h.receive("issue_comment", h.commentEvent(REPO, planning, "lead", "/batch assign"));
  const batch = [...repo.issues.values()].find((i) => i.labels.includes("batch"))!;
  return { batch, gh: JSON.stringify({ body: batch.body, number: batch.number }) };
}

describe("batchbot batch", () => {
  it("round-trips the block the app wrote: gh issue view output in, the same data out, valid against the schema", async () => {
    const { batch, gh } = await openedBatch();
    const url = `https://github.com/${REPO}/issues/${batch.number}`;
    const { code, out, err } = await cli(["batch", url, "--json"], piped(gh));
    expect([code, err]).toEqual([0, ""]);
    const data = JSON.parse(out);
    expect(data).toEqual(parseBatchData(batch.body));
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    expect(data).toMatchObject({ version: 1, batch: batch.number, agent: "alice" });
    expect(data.specs).toEqual([
      expect.objectContaining({
        number: 1,
        title: "Schema `users`",
        kind: "fix",
        order: 1,
        criteria: ["unique email"],
      }),
      expect.objectContaining({ number: 2, kind: "new", order: 2, dependsOn: [1] }),
    ]);
  });

  it("prints a summary without --json, and reads a raw body from --file", async () => {
    const { batch } = await openedBatch();
    const file = join(mkdtempSync(join(tmpdir(), "batch-")), "body.md");
    writeFileSync(file, batch.body);
    const { code, out } = await cli(["batch", String(batch.number), "--file", file]);
    expect(code).toBe(0);
    expect(out).toBe(
      `Batch #${batch.number} for @alice: 2 SPECs\n1. #1 Schema \`users\` [fix]\n   - unique email\n2. #2 API [new] (after #1)\n`,
    );
  });

  it.each([
    [["batch"], "give one batch issue"],
    [["batch", "soon"], "soon is no issue"],
    [["batch", "7", "--json"], "the input is issue #"],
  ])("%j: one line on stderr, exit 2", async (argv, message) => {
    const { gh } = await openedBatch();
    const { code, err } = await cli(argv, piped(gh));
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it("says when the body holds no batch data", async () => {
    const { code, err } = await cli(["batch", "3"], piped(JSON.stringify({ body: "just an issue" })));
    expect(code).toBe(2);
    expect(err).toContain("#3 has no batch data");
  });

  it.each([
    ["12", 12],
    ["#12", 12],
    ["https://github.com/acme/specs/issues/12", 12],
    ["https://ghe.example.com/acme/specs/issues/12#issuecomment-1", 12],
  ])("reads the issue %s as #%d", (arg, n) => {
    expect(batchNumber(arg)).toBe(n);
  });
});
