import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { decodeBatchMeta } from "../../src/domain/batch.js";
import { taskLines } from "../../src/domain/batch-body.js";
import type { FakeIssue, LoggedRequest } from "../helpers/fake-github.js";
import { failAfter } from "../helpers/faults.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { installLifecycleFake, seedBatch } from "../helpers/lifecycle.js";

/**
 * Every write `/batch assign`, `/batch next`, `/batch release` and `/batch done` make, failed in turn: each write of
 * a fault-free run (taken from its request log, so a new write can't escape) is (a) refused once — a 502, and a 403
 * secondary rate limit as it reaches the handler once the client's retries ran out — or (b) applied with its answer
 * lost. Then GitHub redelivers the same delivery, or someone gives the same command again in a new comment; either
 * way the end state must equal the fault-free run's, with nothing twice and exactly one reply per command comment.
 */

const R = "acme/specs";
const AGENTS = ["a-opus", "b-opus", "c-opus", "d-opus", "e-opus", "f-opus"];
const DOMAINS = ["database", "algorithm", "integration"];
const SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
let h: Harness;
afterEach(() => h?.fake.uninstall());

interface Scenario {
  name: string;
  /** Builds the repository; returns the issue the command is given on and who gives it. */
  setup(h: Harness): { issue: number; author: string; body: string };
}

function baseRepo(h: Harness, config: Record<string, unknown>) {
  installLifecycleFake(h.fake);
  const repo = h.fake.repo(R);
  repo.collaborators.set("lead", "maintain");
  for (const a of AGENTS) repo.collaborators.set(a, "write");
  repo.files.set(
    ".github/batch.yml",
    stringify({
      agents: AGENTS.map((login, i) => ({ login, domains: [DOMAINS[i % 3]] })),
      batch: {
        size: { min: 6, max: 6 },
        "priority-fixes": { min: 0, max: 2 },
        "new-work": { min: 4, max: 6 },
      },
      validation: { b1: ["val1"], b2: ["val2"] },
      ...config,
    }),
  );
}

/** 36 SPECs, some partial, some depending on others: six agents take all of them, six each. */
function specs(h: Harness, count = 36) {
  for (let n = 1; n <= count; n++)
    h.fake.addIssue(R, {
      number: n,
      title: `SPEC ${n}`,
      labels: ["spec", `domain:${DOMAINS[n % 3]}`, ...(n % 7 === 0 ? ["partial"] : [])],
      body: n % 5 === 0 ? `Depends on #${n - 3}` : "",
    });
}

const SCENARIOS: Scenario[] = [
  {
    name: "/batch assign",
    setup(h) {
      baseRepo(h, {});
      specs(h);
      return {
        issue: h.fake.addIssue(R, { title: "Sprint planning" }).number,
        author: "lead",
        body: "/batch assign",
      };
    },
  },
  {
    name: "/batch next",
    setup(h) {
      baseRepo(h, {});
      specs(h, 8);
      return {
        issue: h.fake.addIssue(R, { title: "Sprint planning" }).number,
        author: "a-opus",
        body: "/batch next",
      };
    },
  },
  {
    name: "/batch release",
    setup(h) {
      baseRepo(h, {});
      specs(h, 6);
      seedBatch(h.fake, R, { agent: "a-opus", specs: [1, 2, 3, 4, 5, 6], number: 50 });
      return { issue: 50, author: "a-opus", body: "/batch release" };
    },
  },
  {
    name: "/batch done",
    setup(h) {
      baseRepo(h, {});
      specs(h, 3);
      seedBatch(h.fake, R, { agent: "a-opus", specs: [1, 2, 3], number: 50 });
      for (const n of [1, 2, 3]) {
        const spec = h.fake.issue(R, n);
        spec.labels.push("validated");
        spec.state = "CLOSED";
        spec.stateReason = "COMPLETED";
        spec.closedAt = "2026-11-26T12:00:00Z";
      }
      return { issue: 50, author: "a-opus", body: "/batch done" };
    },
  },
];

/** What a command leaves behind, independent of issue numbers, comment ids and times. */
function endState(h: Harness) {
  const issues = [...h.fake.repo(R).issues.values()];
  const byId = new Map(issues.map((i) => [i.databaseId, i]));
  const batchName = (i: FakeIssue) => {
    const meta = decodeBatchMeta(i.body);
    return meta ? `batch ${meta.agent} #${meta.sequence}` : `#${i.number}`;
  };
  const batches = issues
    .filter((i) => i.labels.includes("batch"))
    .map((i) => {
      const meta = decodeBatchMeta(i.body);
      return {
        name: batchName(i),
        title: i.title,
        state: i.state,
        labels: [...i.labels].sort(),
        assignees: [...i.assignees].sort(),
        specs: meta?.specs,
        fixes: meta?.fixes,
        shared: meta?.shared,
        tasks: taskLines(i.body),
        subIssues: i.subIssues.map((id) => byId.get(id)!.number).sort((a, b) => a - b),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const specState = issues
    .filter((i) => i.labels.includes("spec"))
    .map((i) => ({
      number: i.number,
      state: i.state,
      labels: [...i.labels].sort(),
      assignees: [...i.assignees].sort(),
      parent: i.parent === null ? null : batchName(byId.get(i.parent)!),
    }));
  return { batches, specs: specState };
}

/** Every command comment has exactly one reply from batchbot, or none when the command answers by reaction. */
function repliesPerCommand(h: Harness) {
  const counts: number[] = [];
  for (const issue of h.fake.repo(R).issues.values())
    for (const c of issue.comments.filter((c) => c.body.startsWith("/batch"))) {
      const replies = issue.comments.filter(
        (r) => r.author === "batchbot[bot]" && r.body.includes(`"to":${c.databaseId}`),
      );
      counts.push(replies.length);
    }
  return counts;
}

function isWrite(r: { method: string; path: string; operation?: string }, mutations: ReadonlySet<string>) {
  return r.path.endsWith("/graphql") ? mutations.has(r.operation ?? "") : r.method !== "GET";
}

const describeWrite = (r: LoggedRequest) =>
  `${r.method} ${r.path.replace(/\?.*$/, "")} ${r.operation ?? ""}`.trim();

async function run(scenario: Scenario) {
  h = createHarness();
  const { issue, author, body } = scenario.setup(h);
  const payload = h.commentEvent(R, issue, author, body);
  h.fake.reset();
  const deliver = () => h.receive("issue_comment", payload, `delivery-${payload.comment.id}`);
  const again = () => h.receive("issue_comment", h.commentEvent(R, issue, author, body));
  return { deliver, again };
}

interface Fault {
  label: string;
  status: number;
  applied?: boolean;
  message?: string;
}
const FAULTS: Fault[] = [
  { label: "502", status: 502 },
  { label: "403 secondary limit", status: 403, message: SECONDARY },
  { label: "landed, answer lost", status: 502, applied: true },
];

describe.each(SCENARIOS)("$name resumes after any of its writes failed", (scenario) => {
  it("on a redelivery and when given again, ends as the fault-free run", async () => {
    const clean = await run(scenario);
    await clean.deliver();
    const expected = endState(h);
    const writes = h.fake.requests.filter((r) => r.kind === "write");
    const mutations = new Set(writes.flatMap((r) => (r.operation ? [r.operation] : [])));
    const expectedReplies = repliesPerCommand(h);
    expect(expectedReplies).toHaveLength(1);
    h.fake.uninstall();
    expect(writes.length).toBeGreaterThan(0);

    const problems: string[] = [];
    for (let i = 0; i < writes.length; i++)
      for (const fault of FAULTS)
        for (const resume of ["redelivery", "given again"] as const) {
          const what = `write ${i + 1}/${writes.length} (${describeWrite(writes[i]!)}), ${fault.label}, ${resume}`;
          const attempt = await run(scenario);
          const injected = failAfter(h.fake, {
            match: (r) => isWrite(r, mutations),
            after: i,
            status: fault.status,
            ...(fault.applied ? { applied: true } : {}),
            ...(fault.message ? { message: fault.message } : {}),
          });
          await attempt.deliver().catch(() => undefined);
          if (injected.failed() === 0) problems.push(`${what}: the fault never struck`);
          await (resume === "redelivery" ? attempt.deliver() : attempt.again()).catch((e: Error) =>
            problems.push(`${what}: threw ${e.message}`),
          );
          const state = endState(h);
          try {
            expect(state).toEqual(expected);
          } catch (error) {
            problems.push(`${what}: ${(error as Error).message.split("\n").slice(0, 40).join("\n")}`);
          }
          // Each command comment answered at most once (a refused write may be reported where none was due); after
          // a redelivery, a command that answers without faults has its answer.
          const replies = repliesPerCommand(h);
          if (replies.some((n) => n > 1)) problems.push(`${what}: a command answered twice (${replies})`);
          if (resume === "redelivery" && (replies[0] ?? 0) < expectedReplies[0]!)
            problems.push(`${what}: ${replies[0]} replies instead of ${expectedReplies[0]}`);
          if (h.fake.unhandled.length) problems.push(`${what}: ${h.fake.unhandled.join("; ")}`);
          h.fake.uninstall();
        }
    expect(problems).toEqual([]);
  }, 300_000);
});
