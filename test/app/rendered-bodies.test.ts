import { afterEach, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { GATE_CHECK } from "../../src/domain/quality-gate-report.js";
import { createHarness, type Harness } from "../helpers/harness.js";
import { issueOf, type SpecShape } from "../helpers/specs.js";

/**
 * What users see, shown whole: the canonical rendered bodies as inline snapshots, so a change to any of them shows in
 * review. Dates are fixed; the hidden metadata blocks are left out (they hold ids the fake GitHub hands out).
 */
const REPO = "acme/specs";
let h: Harness;
afterEach(() => {
  h?.fake.uninstall();
  vi.useRealTimers();
});

const SPECS: SpecShape[] = [
  {
    n: 1,
    domain: "database",
    partial: true,
    title: "Users table",
    body: "## Remaining\n- add the email index",
  },
  { n: 2, domain: "database", title: "Sessions table", body: "Depends on #1" },
  { n: 3, domain: "database", title: "Audit log" },
  { n: 4, domain: "ui", title: "Login form" },
];

function setup(): number {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-11-25T12:00:00Z"));
  h = createHarness();
  const repo = h.fake.repo(REPO);
  for (const spec of SPECS) {
    const issue = issueOf(spec);
    h.fake.addIssue(REPO, {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      labels: issue.labels,
    });
  }
  repo.files.set(
    ".github/batch.yml",
    stringify({
      agents: [{ login: "db-opus", domains: ["database"] }],
      batch: { size: { min: 2, max: 3 }, "priority-fixes": { min: 1, max: 2 } },
      validation: { b1: ["alice"], b2: ["bob"] },
    }),
  );
  repo.collaborators.set("lead", "maintain");
  repo.collaborators.set("db-opus", "write");
  return h.fake.addIssue(REPO, { title: "Sprint planning" }).number;
}

async function command(issue: number, body: string) {
  await h.receive("issue_comment", h.commentEvent(REPO, issue, "lead", body));
  expect(h.fake.unhandled).toEqual([]);
}

/** A body without its hidden metadata blocks (they hold comment and node ids). */
function shown(body: string): string {
  return body.replace(/<!-- batchbot:[\s\S]*?-->/g, "<!-- batchbot:… -->").trim();
}

const lastReply = (issue: number) => shown(h.fake.botComments(REPO, issue).at(-1)!.body);
const labelled = (label: string) =>
  [...h.fake.repo(REPO).issues.values()].filter((i) => i.labels.includes(label));

describe("rendered bodies", () => {
  it("a batch issue, the `/batch assign` reply and the dashboard", async () => {
    const planning = setup();
    await command(planning, "/batch assign");
    const [batch] = labelled("batch");
    expect(shown(batch!.body)).toMatchInlineSnapshot(`
      "# 🚀 BATCH ASSIGNMENT - @db-opus

      ## Mission: Complete 3 SPECs for rapid completion

      ## 📋 YOUR BATCH ASSIGNMENT:

      ### PRIORITY FIXES (Fix Partial SPECs):
      - [ ] 1. #1 Users table · database — **fix:** add the email index

      ### NEW IMPLEMENTATIONS:
      - [ ] 2. #2 Sessions table · database
      - [ ] 3. #3 Audit log · database

      ## 🔧 AUTONOMOUS EXECUTION PROTOCOL:
      1. Investigate all SPECs using Systematic Investigation Protocol
      2. Run E2E tests to verify actual functionality
      3. Batch submit plans for all SPECs
      4. Implement after approval
      5. Report only when: All complete OR blocked OR found existing

      ## ✅ B1/B2 VALIDATION PATH:
      - **Validators:** **B1** @⁠alice · **B2** @⁠bob (two different people).
      - **Approval:** open a pull request that closes the SPEC (\`Closes #N\` in its description); B1 and B2 each approve it with a review. Without a pull request (the SPEC was found existing), they comment \`/batch approve b1\` and \`/batch approve b2\` on the SPEC.
      - **Changes requested:** fix them and push; a new push asks B1 and B2 to approve again.
      - A SPEC closes as done once B1 and B2 have approved it; closing it earlier reopens it.

      ## 🎯 SUCCESS CRITERIA:
      - #1 Users table defines no success criteria (no \`Acceptance criteria\`, \`Success criteria\` or \`Definition of done\` section): state in your plan how you will show it works.
      - #2 Sessions table defines no success criteria (no \`Acceptance criteria\`, \`Success criteria\` or \`Definition of done\` section): state in your plan how you will show it works.
      - #3 Audit log defines no success criteria (no \`Acceptance criteria\`, \`Success criteria\` or \`Definition of done\` section): state in your plan how you will show it works.

      ## 💡 SUCCESS PATTERN:
      No discoveries yet in database: record what you learn with \`/batch discovery <text>\`, and the next batches start from it.

      Start investigation immediately.

      <!-- batchbot:… -->

      <!-- batchbot:… -->
      <details>
      <summary>Batch data</summary>

      \`\`\`json
      {
        "version": 1,
        "batch": 6,
        "agent": "db-opus",
        "specs": [
          {
            "number": 1,
            "url": "https://github.com/acme/specs/issues/1",
            "title": "Users table",
            "kind": "fix",
            "order": 1,
            "dependsOn": [],
            "criteria": []
          },
          {
            "number": 2,
            "url": "https://github.com/acme/specs/issues/2",
            "title": "Sessions table",
            "kind": "new",
            "order": 2,
            "dependsOn": [
              1
            ],
            "criteria": []
          },
          {
            "number": 3,
            "url": "https://github.com/acme/specs/issues/3",
            "title": "Audit log",
            "kind": "new",
            "order": 3,
            "dependsOn": [],
            "criteria": []
          }
        ],
        "validators": {
          "b1": [
            "alice"
          ],
          "b2": [
            "bob"
          ]
        },
        "commands": {
          "done": "/batch done",
          "blocked": "/batch blocked <reason>",
          "unblocked": "/batch unblocked",
          "found-existing": "/batch found-existing #N [where]",
          "discovery": "/batch discovery <text>",
          "next": "/batch next [@agent]"
        }
      }
      \`\`\`

      </details>
      <!-- batchbot:… -->
      <!-- /batchbot:data -->"
    `);
    expect(lastReply(planning)).toMatchInlineSnapshot(`
      "<!-- batchbot:… -->

      ### 🚀 Opened 1 batch for 3 SPECs

      | batch | agent | SPECs | priority fixes | new | shared |
      | --- | --- | ---: | ---: | ---: | ---: |
      | #6 | @⁠db-opus | 3 | 1 | 2 | 0 |

      #### Left over: 1 SPEC
      - **No agent takes their domain** (1): #4 (ui)

      **Messages:** 2 with batches (2 per agent × 1) instead of 9–12 one SPEC at a time (3–4 per SPEC × 3): 78–83% fewer.

      <!-- batchbot:… -->"
    `);
    const [dashboard] = labelled("batch-dashboard");
    expect(shown(dashboard!.body)).toMatchInlineSnapshot(`
      "<!-- batchbot:… -->

      Progress of the Batch Assignment Framework in acme/specs. batchbot rewrites this issue when SPECs or batches change and never comments on it; \`/batch status\` gives the agent table in any issue.

      ## Agents

      | Agent | Current batch | Progress | In review | Blocked | Batches done |
      | --- | --- | --- | --- | --- | ---: |
      | db-opus | #6 (batch 1) | \`░░░░░░░░░░\` 0/3 | 0 | — | 0 |

      ## System

      **Open SPECs: 4** (Blocked 0 · Ready 1 · In batch 3 · In review 0 · Changes requested 0 · Validated 0) · closed: 0

      | Measure | Value |
      | --- | --- |
      | Velocity (SPECs closed) | 0 in 7 days (0.0/day) · 0 in 30 days (0.0/day) |
      | Quality gate | — (no SPEC reviewed yet) |
      | E2E validation | — (no \`validation.e2e-check\` configured) |
      | Reuse (found existing) | 0% (0 of 3 SPECs) |
      | Discovery success | — (no investigated SPECs yet) |
      | Messages | 0.33 per SPEC against the traditional 3–4: 89%–92% fewer (1 messages instead of 9–12 for 3 SPECs) |
      | Batch time to completion | — (no batch completed yet) |
      | Open blockers | 0 |
      | Forecast | 4 open SPECs; no SPEC closed in 30 days, so no forecast. |

      ## Batches

      | Batch | Agent | # | State | Done | Time to completion | Reuse | E2E | Messages | Blockers |
      | --- | --- | ---: | --- | --- | --- | ---: | ---: | ---: | ---: |
      | #6 | db-opus | 1 | open | \`░░░░░░░░░░\` 0/3 | — | 0% | — | 1 | 0 |"
    `);
  });

  it("the quality gate's check-run summary", async () => {
    setup();
    h.fake.addPullRequest(REPO, {
      number: 10,
      author: "db-opus",
      body: "Closes #1\nCloses #3",
      headSha: "head-10",
    });
    h.fake.addReview(REPO, 10, "alice", "APPROVED");
    await h.receive("pull_request", h.pullRequestEvent(REPO, 10, "opened"));
    const run = h.fake
      .repo(REPO)
      .checkRuns.filter((r) => r.name === GATE_CHECK)
      .at(-1)!;
    expect({ conclusion: run.conclusion, title: run.output.title }).toMatchInlineSnapshot(`
      {
        "conclusion": null,
        "title": "0 of 2 SPECs validated",
      }
    `);
    expect(run.output.summary).toMatchInlineSnapshot(`
      "| SPEC | B1 | B2 |
      | --- | --- | --- |
      | #1 Users table | ✅ approved by @alice | ⏳ waiting |
      | #3 Audit log | ✅ approved by @alice | ⏳ waiting |

      Validators: **B1** @alice · **B2** @bob (two different people).
      Validate with a review on this pull request (approve, or request changes), or with \`/batch approve b1\` / \`/batch approve b2\` / \`/batch reject b1 <reason>\` on the SPEC issue."
    `);
  });

  it("`/batch help`", async () => {
    const planning = setup();
    await command(planning, "/batch help");
    expect(lastReply(planning)).toMatchInlineSnapshot(`
      "### batchbot commands

      | command | what it does | who can use it |
      | --- | --- | --- |
      | \`/batch help\` | Lists every \`/batch\` command. | anyone |
      | \`/batch approve b1\\|b2\` | Validates a SPEC for stage B1 or B2 without a pull request review (e.g. a SPEC found to exist already). | B1/B2 validators (\`validation\` in .github/batch.yml), not the SPEC's assignee |
      | \`/batch reject b1\\|b2 <reason>\` | Requests changes on a SPEC for stage B1 or B2; a later approve by the same validator lifts it. | B1/B2 validators, not the SPEC's assignee |
      | \`/batch close --force <reason>\` | Closes a SPEC as completed although B1/B2 haven't validated it; the reason is recorded on the SPEC. | admin or maintain permission |
      | \`/batch blocked <reason>\` | Reports the batch blocked: it gets the \`blocked\` label, and the reason and time go into its report. Counted as a blocker. | the batch's agent; write, maintain or admin on the repository |
      | \`/batch unblocked\` | Clears the batch's blockers and its \`blocked\` label. | the batch's agent; write, maintain or admin on the repository |
      | \`/batch found-existing #N [where]\` | Reports a SPEC of the batch as satisfied by existing code: it gets the \`found-existing\` label and waits for B1/B2 approvals by command. Counted as reuse. | the batch's agent; write, maintain or admin on the repository |
      | \`/batch discovery <text>\` | Shares a discovery in the repository's knowledge registry (one issue labelled \`knowledge\`, grouped by domain); new batches quote it in their SUCCESS PATTERN. | the batch's agent; write, maintain or admin on the repository |
      | \`/batch done\` | The completion report: the batch's report says, per SPEC, validated / merged awaiting validation / in review / open / found existing, with blockers, reuse and E2E. When every SPEC is closed and validated the batch issue is closed; otherwise the report says what is missing. | the batch's agent; write, maintain or admin on the repository |
      | \`/batch release [#N ...]\` | Returns the named SPECs (or every unfinished one) to the pool: the agent is unassigned, the sub-issue link removed and the task list updated. | the batch's agent; write, maintain or admin on the repository |
      | \`/batch next [@agent]\` | Opens the agent's next batch, planned for that agent alone as \`/batch assign\` plans. Allowed when the agent has no open batch (or with \`batch.pull-ahead: true\`); when nothing is eligible the reply says why. | the agent itself (a configured agent, or on its own batch issue); for any agent: write, maintain or admin, and \`commanders\` |
      | \`/batch status\` | Replies with each agent's current batch, progress, reviews and blockers, and links the dashboard. | anyone |
      | \`/batch dashboard\` | Opens the dashboard issue (or reopens it), pins it and brings it up to date. It is also opened by the first batch. | people with triage access or more |
      | \`/batch sync\` | Re-syncs the whole repository: readiness labels, the quality gate of open pull requests, batch task lists and reports, the project board and the dashboard; replies with what it repaired. | people with triage access or more |
      | \`/batch assign [@agent ...] [--size N] [--domain D] [--dry-run]\` | Plans one batch per agent from the unassigned SPECs (priority fixes first, dependencies in order) and opens a batch issue for each agent. Agents default to \`agents\` in \`.github/batch.yml\`. | write, maintain or admin on the repository, and \`commanders\` |
      | \`/batch plan [@agent ...] [--size N] [--domain D]\` | Previews \`/batch assign\` in a reply, with every batch message, and writes nothing else. | write, maintain or admin on the repository, and \`commanders\` |

      <!-- batchbot:… -->"
    `);
  });
});
