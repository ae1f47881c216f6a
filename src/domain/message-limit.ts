import { type Detail, FULL_DETAIL } from "./quality-integration.js";

/**
 * A batch message stays under half of GitHub's 65,536-character issue body limit: the other half holds the hidden
 * metadata, the progress report and the batch data block.
 */
export const MESSAGE_LIMIT = 32_768;

/**
 * The truncation rule, in order: the full message; then each new SPEC's goal cut to 120 characters, at most 3
 * success criteria per SPEC (120 characters each, the rest counted) and the last 10 lines of earlier batches; then
 * no goals, criteria pointing to their SPEC and the last 3 earlier lines. Task lines are never shortened; a message
 * still too long (a template or a batch far beyond the defaults) is cut at a line end, saying so.
 */
export const MESSAGE_DETAILS: readonly Detail[] = [
  FULL_DETAIL,
  { goal: 120, criteria: 3, criterion: 120, history: 10 },
  { goal: 0, criteria: 0, criterion: 0, history: 3 },
];

export function fitMessage(message: string, limit = MESSAGE_LIMIT): string {
  if (message.length <= limit) return message;
  const note = `\n\n… (message cut at ${limit.toLocaleString("en-US")} characters: each SPEC holds the rest)\n`;
  const room = message.lastIndexOf("\n", limit - note.length);
  return `${message.slice(0, room > 0 ? room : limit - note.length).trimEnd()}${note}`;
}
