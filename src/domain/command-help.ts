/** The help of one command, as data: the `/batch help` reply and the README table are generated from it. */
export interface CommandHelp {
  name: string;
  usage: string;
  description: string;
  whoCanUse: string;
  examples: string[];
}

/** A pipe splits a GitHub table cell even inside a code span unless it is escaped (`b1|b2`). */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

export function renderHelp(commands: readonly CommandHelp[]): string {
  const rows = commands.map(
    (c) => `| \`${cell(c.usage)}\` | ${cell(c.description)} | ${cell(c.whoCanUse)} |`,
  );
  return ["| command | what it does | who can use it |", "| --- | --- | --- |", ...rows].join("\n");
}

export function renderUsage(command: CommandHelp, problem: string): string {
  return [
    `\`/batch ${command.name}\`: ${problem}`,
    "",
    `Usage: \`${command.usage}\``,
    ...(command.examples.length ? ["", "Examples:", ...command.examples.map((e) => `- \`${e}\``)] : []),
  ].join("\n");
}
