import { pino } from "pino";
import { type BatchMeta, encodeBatchMeta } from "../../src/domain/batch.js";
import { parseConfig } from "../../src/domain/config.js";
import type { Runtime } from "../../src/features/shared/runtime.js";
import type { FakeIssue } from "./fake-github.js";
import { BOT, type Harness } from "./harness.js";

export const REPO = "acme/specs";
export const repoRef = { owner: "acme", repo: "specs" };

/** A runtime for calling handlers directly against the fake, with `.github/batch.yml` given as an object. */
export async function runtimeFor(h: Harness, config: Record<string, unknown> = {}): Promise<Runtime> {
  const parsed = parseConfig(config);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return {
    octokit: (await h.probot.auth()) as Runtime["octokit"],
    repo: repoRef,
    config: parsed.config,
    botLogin: BOT,
    hosts: ["github.com"],
    log: pino({ level: "silent" }),
  };
}

export function batchMeta(partial: Partial<BatchMeta> & Pick<BatchMeta, "agent" | "specs">): BatchMeta {
  return {
    v: 1,
    id: `1:${partial.agent}`,
    sequence: 1,
    fixes: [],
    shared: [],
    sourceCommentId: 1,
    createdAt: "2026-11-20T10:00:00Z",
    ...partial,
  };
}

/** A batch issue as the planner writes it: batch label, metadata in the body. */
export function addBatchIssue(h: Harness, meta: BatchMeta, extra: Partial<FakeIssue> = {}): FakeIssue {
  return h.fake.addIssue(REPO, {
    title: `Batch ${meta.sequence} for @${meta.agent}`,
    body: `# Batch assignment\n\n${encodeBatchMeta(meta)}`,
    labels: ["batch"],
    author: BOT,
    ...extra,
  });
}

export const AGENTS = [
  "DATABASE-OPUS",
  "ALGORITHM-OPUS",
  "INTEGRATION-OPUS",
  "UI-OPUS",
  "API-OPUS",
  "TEST-OPUS",
];
export const DOMAINS = ["database", "algorithm", "integration", "ui", "api", "test"];

/** 36 SPECs (#1..#36, ready, one domain each) and, with `assign`, six batches of six as `/batch assign` leaves them. */
export function seedAssignment(h: Harness, assign = true): { specs: FakeIssue[]; batches: FakeIssue[] } {
  const specs = Array.from({ length: 36 }, (_, i) =>
    h.fake.addIssue(REPO, {
      number: i + 1,
      title: `SPEC-${i + 1}`,
      labels: ["spec", "ready", `domain:${DOMAINS[i % 6]}`],
    }),
  );
  const batches = assign
    ? AGENTS.map((agent, a) =>
        addBatchIssue(
          h,
          batchMeta({ agent, specs: specs.filter((_, i) => i % 6 === a).map((s) => s.number) }),
        ),
      )
    : [];
  return { specs, batches };
}
