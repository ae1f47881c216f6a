/**
 * Mutual exclusion for planning commands (`/batch assign`, `/batch next`, `/batch release`) in one repository.
 * `run` receives a fencing token that grows with every acquisition: a holder whose lease expired sees
 * `isCurrent(token)` turn false and must stop writing.
 */
export interface Lock {
  run<T>(key: string, fn: (fence: Fence) => Promise<T>): Promise<T>;
}

export interface Fence {
  token: number;
  /** Whether this holder still owns the lock; checked before each write. */
  isCurrent(): Promise<boolean>;
}

/** In-process lock: calls for the same key run one after another, in arrival order. */
export class LocalLock implements Lock {
  private tails = new Map<string, Promise<unknown>>();
  private tokens = new Map<string, number>();

  async run<T>(key: string, fn: (fence: Fence) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous.catch(() => undefined);
    const token = (this.tokens.get(key) ?? 0) + 1;
    this.tokens.set(key, token);
    try {
      return await fn({ token, isCurrent: async () => this.tokens.get(key) === token });
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** The key planning commands of one repository run under; always taken before any other lock. */
export function planningLockKey(repo: { owner: string; repo: string }): string {
  return `${repo.owner}/${repo.repo}`;
}
