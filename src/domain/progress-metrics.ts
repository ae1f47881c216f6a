import type { BatchIssue } from "./batch.js";
import {
  BOARD_STATUSES,
  batchesBySpec,
  byCreation,
  isCompleted,
  isOpenBatch,
  type OpenStatus,
  specStatus,
} from "./board-state.js";
import type { BatchConfig } from "./config.js";
import { hasLabel, type Spec } from "./spec.js";

/**
 * Every figure of the dashboard and of `batchbot report`, computed from SPECs (labels, states, close dates),
 * batch metadata and a given `now`: the same state and `now` always give the same figures.
 */
export interface MetricsInput {
  specs: readonly Spec[];
  batches: readonly BatchIssue[];
  config: BatchConfig;
  now: Date;
  /**
   * SPECs whose label history shows the changes-requested label at some point. Without it (an offline export has
   * no history) only the current labels count.
   */
  changesRequestedEver?: ReadonlySet<number>;
}

export interface BlockerView {
  batch: number;
  agent: string;
  reason: string;
  at: string;
  ageDays: number;
}

export interface AgentProgress {
  agent: string;
  /** The agent's most recent open batch. */
  current: { number: number; sequence: number; done: number; total: number } | null;
  openBatches: number;
  /** Open SPECs of the agent's open batches carrying the in-review label. */
  inReview: number;
  blockers: BlockerView[];
  batchesCompleted: number;
}

export interface BatchMetrics {
  number: number;
  agent: string;
  sequence: number;
  state: "OPEN" | "CLOSED";
  specs: number;
  /** SPECs of the batch that are closed. */
  done: number;
  /** From `createdAt` to `completedAt`; `null` until the batch is reported complete. */
  hoursToCompletion: number | null;
  foundExisting: number;
  reuse: number | null;
  validated: number;
  e2e: number | null;
  messages: number;
  /** Blockers reported for the batch, cleared or not. */
  blockers: number;
}

export interface Ratio {
  count: number;
  of: number;
  /** count / of, `null` when `of` is 0. */
  rate: number | null;
}

export interface SystemMetrics {
  openSpecs: number;
  closedSpecs: number;
  openByStatus: Record<OpenStatus, number>;
  velocity: { last7: number; perDay7: number; last30: number; perDay30: number };
  /** Of the SPECs that got a verdict (validated, or changes requested at some point). */
  gate: { reviewed: number; passed: Ratio; firstPass: Ratio };
  /** Validated SPECs among finished ones (validated or closed as completed); `null` rate without an E2E check. */
  e2e: Ratio & { configured: boolean };
  /** Found-existing SPECs among every SPEC assigned in a batch or found existing. */
  reuse: Ratio;
  /** Found-existing SPECs among the batch SPECs whose investigation ended (closed). */
  discovery: Ratio;
  messages: {
    total: number;
    specs: number;
    perSpec: number | null;
    traditional: [number, number];
    /** Fraction of the traditional 3–4 messages per SPEC saved: against 3 and against 4. */
    reduction: [number, number] | null;
    saved: [number, number];
  };
  batchCompletion: { completed: number; medianHours: number | null };
  openBlockers: BlockerView[];
  forecast: {
    open: number;
    velocity: number;
    window: 7 | 30 | null;
    days: number | null;
    date: string | null;
  };
}

export interface ProgressMetrics {
  agents: AgentProgress[];
  batches: BatchMetrics[];
  system: SystemMetrics;
}

export const TRADITIONAL_MESSAGES_PER_SPEC: [number, number] = [3, 4];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function ratio(count: number, of: number): Ratio {
  return { count, of, rate: of ? count / of : null };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Assignment (1), plus the completion report once the batch is complete, when the batch counted no messages. */
export function batchMessages(batch: BatchIssue): number {
  return batch.meta.messages?.total ?? 1 + (batch.meta.completedAt ? 1 : 0);
}

function isBatchComplete(batch: BatchIssue): boolean {
  return batch.state === "CLOSED" || !!batch.meta.completedAt;
}

function blockerViews(batch: BatchIssue, now: Date): BlockerView[] {
  return (batch.meta.blockers ?? [])
    .filter((b) => !b.clearedAt)
    .map((b) => ({
      batch: batch.number,
      agent: batch.meta.agent,
      reason: b.reason,
      at: b.at,
      ageDays: Math.max(0, Math.floor((now.getTime() - Date.parse(b.at)) / DAY)),
    }));
}

function agentOrder(config: BatchConfig, batches: readonly BatchIssue[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (login: string) => {
    if (seen.has(login.toLowerCase())) return;
    seen.add(login.toLowerCase());
    out.push(login);
  };
  for (const agent of config.agents) add(agent.login);
  for (const login of batches.map((b) => b.meta.agent).sort((a, b) => a.localeCompare(b))) add(login);
  return out;
}

export function computeMetrics(input: MetricsInput): ProgressMetrics {
  const batches = [...input.batches].sort(byCreation);
  const facts = specFacts(input, batches);
  const batchMetrics = batches.map((batch) => batchMetricsOf(batch, facts));
  const agents = agentOrder(input.config, batches).map((agent) =>
    agentProgressOf(agent, batches, facts, input.now),
  );
  return { agents, batches: batchMetrics, system: systemMetrics(input, batches, batchMetrics, facts) };
}

/** What each SPEC's labels and state say, worked out once, and the SPECs found to exist already. */
interface SpecFacts {
  isClosed(n: number): boolean;
  isValidated(n: number): boolean;
  isFinished(n: number): boolean;
  isOpenInReview(n: number): boolean;
  found: Set<number>;
}

function specFacts(input: MetricsInput, batches: readonly BatchIssue[]): SpecFacts {
  const labels = input.config.labels;
  const facts = new Map(
    input.specs.map((s) => {
      const validated = hasLabel(s.labels, labels.validated);
      return [
        s.number,
        {
          open: s.state === "OPEN",
          validated,
          inReview: hasLabel(s.labels, labels["in-review"]),
          finished: validated || isCompleted(s),
        },
      ];
    }),
  );
  return {
    isClosed: (n) => facts.get(n)?.open === false,
    isValidated: (n) => !!facts.get(n)?.validated,
    isFinished: (n) => !!facts.get(n)?.finished,
    isOpenInReview: (n) => !!(facts.get(n)?.open && facts.get(n)?.inReview),
    found: new Set<number>([
      ...input.specs.filter((s) => hasLabel(s.labels, labels["found-existing"])).map((s) => s.number),
      ...batches.flatMap((b) => (b.meta.foundExisting ?? []).map((f) => f.spec)),
    ]),
  };
}

function batchMetricsOf(batch: BatchIssue, facts: SpecFacts): BatchMetrics {
  const members = [...new Set(batch.meta.specs)];
  const foundHere = members.filter((n) => facts.found.has(n)).length;
  const finished = members.filter(facts.isFinished);
  const validated = finished.filter(facts.isValidated).length;
  const completedAt = batch.meta.completedAt ? Date.parse(batch.meta.completedAt) : null;
  return {
    number: batch.number,
    agent: batch.meta.agent,
    sequence: batch.meta.sequence,
    state: batch.state,
    specs: members.length,
    done: members.filter(facts.isClosed).length,
    hoursToCompletion: completedAt === null ? null : (completedAt - Date.parse(batch.meta.createdAt)) / HOUR,
    foundExisting: foundHere,
    reuse: members.length ? foundHere / members.length : null,
    validated,
    e2e: finished.length ? validated / finished.length : null,
    messages: batchMessages(batch),
    blockers: batch.meta.blockers?.length ?? 0,
  };
}

function agentProgressOf(
  agent: string,
  batches: readonly BatchIssue[],
  facts: SpecFacts,
  now: Date,
): AgentProgress {
  const mine = batches.filter((b) => b.meta.agent.toLowerCase() === agent.toLowerCase());
  const open = mine.filter(isOpenBatch);
  const current = open.at(-1);
  const openMembers = new Set(open.flatMap((b) => b.meta.specs));
  return {
    agent,
    current: current
      ? {
          number: current.number,
          sequence: current.meta.sequence,
          done: [...new Set(current.meta.specs)].filter(facts.isClosed).length,
          total: new Set(current.meta.specs).size,
        }
      : null,
    openBatches: open.length,
    inReview: [...openMembers].filter(facts.isOpenInReview).length,
    blockers: open.flatMap((b) => blockerViews(b, now)),
    batchesCompleted: mine.filter(isBatchComplete).length,
  };
}

function openByStatusOf(input: MetricsInput, batches: readonly BatchIssue[]): Record<OpenStatus, number> {
  const index = batchesBySpec(batches);
  const openByStatus = Object.fromEntries(
    BOARD_STATUSES.filter((s) => s !== "Done").map((s) => [s, 0]),
  ) as Record<OpenStatus, number>;
  for (const spec of input.specs.filter((s) => s.state === "OPEN")) {
    const status = specStatus(spec, (index.get(spec.number) ?? []).some(isOpenBatch), input.config);
    if (status && status !== "Done") openByStatus[status]++;
  }
  return openByStatus;
}

/** SPECs closed in the last 7 and 30 days, and the forecast of when the open ones are done. */
function velocityAndForecast(input: MetricsInput, openSpecs: number) {
  const { now } = input;
  const closedAges = input.specs
    .filter((s) => isCompleted(s) && s.closedAt)
    .map((s) => now.getTime() - Date.parse(s.closedAt!));
  const closedWithin = (days: number) => closedAges.filter((age) => age >= 0 && age < days * DAY).length;
  const last7 = closedWithin(7);
  const last30 = closedWithin(30);
  const window = last7 > 0 ? 7 : last30 > 0 ? 30 : null;
  const closedInWindow = window === 7 ? last7 : last30;
  const velocity = window ? closedInWindow / window : 0;
  // open / (closed / window), in integers so that rounding can't add a day
  const days = openSpecs === 0 ? 0 : window ? Math.ceil((openSpecs * window) / closedInWindow) : null;
  return {
    velocity: { last7, perDay7: last7 / 7, last30, perDay30: last30 / 30 },
    forecast: {
      open: openSpecs,
      velocity,
      window: window as 7 | 30 | null,
      days,
      date: days === null ? null : new Date(now.getTime() + days * DAY).toISOString().slice(0, 10),
    },
  };
}

function gateMetrics(input: MetricsInput, facts: SpecFacts) {
  const changesRequested = new Set<number>([
    ...(input.changesRequestedEver ?? []),
    ...input.specs
      .filter((s) => hasLabel(s.labels, input.config.labels["changes-requested"]))
      .map((s) => s.number),
  ]);
  const validated = input.specs.filter((s) => facts.isValidated(s.number)).map((s) => s.number);
  const reviewed = new Set([...validated, ...changesRequested]).size;
  const firstPass = validated.filter((n) => !changesRequested.has(n)).length;
  return { reviewed, passed: ratio(validated.length, reviewed), firstPass: ratio(firstPass, reviewed) };
}

function messageMetrics(batches: readonly BatchIssue[], specs: number) {
  const total = batches.reduce((sum, b) => sum + batchMessages(b), 0);
  const [low, high] = TRADITIONAL_MESSAGES_PER_SPEC;
  const n = specs;
  return {
    total,
    specs: n,
    perSpec: n ? total / n : null,
    traditional: [low * n, high * n] as [number, number],
    reduction: n ? ([1 - total / (low * n), 1 - total / (high * n)] as [number, number]) : null,
    saved: [low * n - total, high * n - total] as [number, number],
  };
}

function systemMetrics(
  input: MetricsInput,
  batches: readonly BatchIssue[],
  batchMetrics: readonly BatchMetrics[],
  facts: SpecFacts,
): SystemMetrics {
  const openSpecs = input.specs.filter((s) => s.state === "OPEN").length;
  const finished = input.specs.filter((s) => facts.isFinished(s.number));
  const e2eConfigured = !!input.config.validation?.["e2e-check"];
  const e2e = ratio(finished.filter((s) => facts.isValidated(s.number)).length, finished.length);
  const assigned = new Set(batches.flatMap((b) => b.meta.specs));
  const reuseBase = new Set([...assigned, ...facts.found]);
  const investigated = new Set([...[...assigned].filter(facts.isClosed), ...facts.found]);
  const completionHours = batchMetrics.map((b) => b.hoursToCompletion).filter((h): h is number => h !== null);
  const { velocity, forecast } = velocityAndForecast(input, openSpecs);
  return {
    openSpecs,
    closedSpecs: input.specs.length - openSpecs,
    openByStatus: openByStatusOf(input, batches),
    velocity,
    gate: gateMetrics(input, facts),
    e2e: { ...e2e, rate: e2eConfigured ? e2e.rate : null, configured: e2eConfigured },
    reuse: ratio(facts.found.size, reuseBase.size),
    discovery: ratio(facts.found.size, investigated.size),
    messages: messageMetrics(batches, assigned.size),
    batchCompletion: { completed: completionHours.length, medianHours: median(completionHours) },
    openBlockers: batches
      .filter(isOpenBatch)
      .flatMap((b) => blockerViews(b, input.now))
      .sort((a, b) => a.at.localeCompare(b.at) || a.batch - b.batch),
    forecast,
  };
}
