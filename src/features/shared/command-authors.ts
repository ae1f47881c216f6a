import { isPersonOrListedBot } from "../../domain/batch-messages.js";
import type { BatchConfig } from "../../domain/config.js";

/** The account behind a command comment as the webhook gives it; `null` for a deleted ("ghost") account. */
export type CommandAuthor = { login?: string | null; type?: string | null } | null | undefined;

/**
 * Whether batchbot takes `/batch` commands from this account: people (accounts of type `User`), and the bot
 * accounts listed under `bots:` in `.github/batch.yml`. Other apps' bots are refused whatever their permission
 * (a CI bot quoting a log, a chat bridge echoing text must not drive the planner), and so is a deleted account.
 * Permission checks of each command come on top.
 */
export function takesCommandsFrom(author: CommandAuthor, config: Pick<BatchConfig, "bots"> | null): boolean {
  return isPersonOrListedBot(author, config?.bots ?? []);
}
