import type { Probot } from "probot";

/**
 * The login of the app's own bot account (`slug[bot]`), to ignore events batchbot caused itself.
 * Read once per process from `GET /app`, unless `BATCHBOT_BOT_LOGIN` names it.
 */
export function botIdentity(app: Probot, configured?: string): () => Promise<string> {
  let login: Promise<string> | null = configured ? Promise.resolve(configured) : null;
  return () => {
    if (!login) {
      login = app
        .auth()
        .then((octokit) => octokit.rest.apps.getAuthenticated())
        .then(({ data }) => `${data?.slug ?? "batchbot"}[bot]`)
        .catch((error: unknown) => {
          login = null;
          throw error;
        });
    }
    return login;
  };
}
