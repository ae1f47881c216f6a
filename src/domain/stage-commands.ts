import { type CommandLine, parseCommands } from "./command-line.js";

export const STAGES = ["b1", "b2"] as const;
export type Stage = (typeof STAGES)[number];

export function parseStage(value: string | undefined): Stage | null {
  const lower = value?.toLowerCase();
  return STAGES.find((s) => s === lower) ?? null;
}

export function stageName(stage: Stage): string {
  return stage.toUpperCase();
}

/** A validator's word on a SPEC given as a comment: `/batch approve b1`, `/batch reject b2 <reason>`. */
export interface StageCommand {
  author: string;
  stage: Stage;
  verdict: "approve" | "reject";
  reason: string;
  at: string;
}

/** The stage verdict one command line carries, or `null` when it is no well-formed approve/reject. */
export function stageVerdict(
  line: CommandLine,
): { stage: Stage; verdict: "approve" | "reject"; reason: string } | null {
  if (line.name !== "approve" && line.name !== "reject") return null;
  const stage = parseStage(line.args[0]);
  if (!stage) return null;
  const reason = line.rest.slice(line.args[0]!.length).trim();
  if (line.name === "reject" && !reason) return null;
  return { stage, verdict: line.name, reason };
}

export interface CommentRecord {
  author: string | null;
  /** Who last edited the comment, when it was edited. */
  editor: string | null;
  body: string;
  createdAt: string;
}

/**
 * Every approve/reject command in a SPEC's comments, oldest first. A comment someone other than its author edited
 * carries no command: a maintainer must not be able to put words in a validator's mouth.
 */
export function stageCommandsOf(
  comments: readonly CommentRecord[],
  isSelf: (login: string) => boolean,
): StageCommand[] {
  const out: StageCommand[] = [];
  for (const comment of comments) {
    const author = comment.author;
    if (!author || isSelf(author)) continue;
    if (comment.editor && comment.editor.toLowerCase() !== author.toLowerCase()) continue;
    for (const line of parseCommands(comment.body)) {
      const verdict = stageVerdict(line);
      if (verdict) out.push({ author, ...verdict, at: comment.createdAt });
    }
  }
  return out;
}
