/** A job that runs every `intervalMs`, the first time one interval after start-up; `0` turns it off. */
export interface Schedule {
  stop(): void;
}

/**
 * Runs `run` every `intervalMs`. A tick that finds the previous run still going is skipped (no pile-up);
 * a failed run is reported to `onError` and the schedule goes on. The timer doesn't keep the process alive.
 */
export function every(
  intervalMs: number,
  run: () => Promise<unknown>,
  onError: (error: unknown) => void,
): Schedule {
  if (!(intervalMs > 0)) return { stop: () => undefined };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    run()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * An interval in seconds from the environment, as milliseconds: unset or empty gives the default, `0` turns the
 * job off, anything else that isn't a number ≥ 0 gives the default too.
 */
export function intervalMs(env: NodeJS.ProcessEnv, name: string, defaultSeconds: number): number {
  const raw = env[name];
  const seconds = raw === undefined || raw.trim() === "" ? Number.NaN : Number(raw);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : defaultSeconds) * 1000;
}
