/**
 * Every subcommand's help, and nothing else: `batchbot --help` and `batchbot plan` load this module, never the
 * other subcommands' code (src/cli.ts imports a runner only when its command is given).
 */

/** The export `batchbot report` reads. */
export const REPORT_EXPORT_COMMAND =
  "gh issue list --state all --limit 10000 --json number,title,body,labels,state,assignees,createdAt,closedAt,stateReason,url";

export const PLAN_USAGE = `Usage: batchbot plan [FILE] [--agents a,b,c] [--config FILE] [--format markdown|json]
                    [--template FILE] [--size N] [--domain D] [--repo OWNER/NAME]

Plans batches offline, as /batch assign would, from FILE in the format of
  gh issue list --state all --limit 1000 --json number,title,body,labels,state,assignees > specs.json
and prints each batch message, the SPECs left over and the message saving.

  FILE             the export; without it, examples/specs.json with examples/batch.yml
  --agents LIST    logins, each optionally with domains: alice:database+ui,bob (default: the configuration's agents)
  --config FILE    a .github/batch.yml (default: .github/batch.yml when it exists)
  --template FILE  a batch template (default: .github/batch-template.md when it exists, else the framework's)
  --size N         cap every batch at N SPECs (1-50)
  --domain D       plan only SPECs labelled with domain D
  --repo OWNER/NAME  the repository the export comes from (default: local/specs)
  --format FORMAT  markdown (default) or json
  -h, --help       this help`;

export const REPORT_USAGE = `Usage: batchbot report [FILE] [--format markdown|json] [--repo OWNER/NAME] [--config FILE] [--now ISO-DATE]

Prints the dashboard's figures for an offline export of a repository's issues, SPECs and batch issues alike:
  ${REPORT_EXPORT_COMMAND} > issues.json

  FILE             the export; without it (or with -), standard input
  --config FILE    a .github/batch.yml: label names and agents
  --repo OWNER/NAME  the repository (default: from the export's issue URLs)
  --format FORMAT  markdown (default) or json
  --now ISO-DATE   the date the figures are computed for (default: now)
  -h, --help       this help`;

export const BATCH_USAGE = `Usage: batchbot batch <issue-url|number> [--json] [--file FILE]

Prints a batch issue's batch data (the block batchbot writes for agents; schema/batch-data.schema.json),
offline, from the output of
  gh issue view <issue-url|number> --json body
piped in, or read from --file. The issue's raw body works too.

  --json       the block as JSON (default: a short summary)
  --file FILE  read FILE instead of standard input (- for standard input)
  -h, --help   this help`;
