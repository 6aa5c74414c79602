import { RateLimitStore, SharedWindow } from './rate-limit.store';
import { RequestRateLimiter } from './request-rate-limiter.service';

/** A store whose answers the test releases, like a database round trip in flight. */
class SlowStore extends RateLimitStore {
  total = 0;
  readonly answers: Array<() => void> = [];

  increment(_key: string, windowSeconds: number, now: number, by = 1): Promise<SharedWindow> {
    return new Promise((resolve) => {
      this.answers.push(() => {
        this.total += by;
        resolve({ hits: this.total, windowEndsMs: now + windowSeconds * 1000 });
      });
    });
  }

  async delete(): Promise<void> {}

  async deleteEnded(): Promise<number> {
    return 0;
  }
}

describe(RequestRateLimiter.name, () => {
  it('counts the hits being reported while the store has not answered yet', async () => {
    const store = new SlowStore();
    const limiter = new RequestRateLimiter(store);
    for (let i = 0; i < 3; i += 1) expect(limiter.hit('k', 4, 60).isBlocked).toBe(false);
    const flushed = limiter.flush();
    // The three hits are on their way to the store: one more fits, the fifth does not.
    expect(limiter.hit('k', 4, 60).isBlocked).toBe(false);
    expect(limiter.hit('k', 4, 60).isBlocked).toBe(true);
    store.answers[0]();
    await flushed;
    expect(limiter.hit('k', 4, 60).isBlocked).toBe(true);
    expect(limiter.count('k', 60).hits).toBe(5);
  });
});
