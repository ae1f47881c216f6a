import { batchbot } from "./app.js";
import { planningLock } from "./infra/planning-lock.js";

/**
 * The app function for `probot run ./dist/index.js` and other Probot hosts. Prefer `npm start` (src/main.ts):
 * only there do the retry, rate-limit and timeout settings and the GitHub request metrics apply, and only there do the
 * periodic jobs (redelivery, the reconcile sweep) run.
 */
export default batchbot({ lock: planningLock() });
