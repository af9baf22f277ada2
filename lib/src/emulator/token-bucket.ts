/**
 * Cloud Tasks' rate limit: each queue has a bucket of up to `burst` tokens, refilled at `rate`
 * per second; a dispatch takes one. A full bucket lets a burst go at once, then the rate holds.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private rate: number,
    private burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  /** New settings keep the tokens already earned (capped by the new burst). */
  configure(rate: number, burst: number, nowMs: number): void {
    if (rate === this.rate && burst === this.burst) return;
    this.refill(nowMs);
    this.rate = rate;
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.lastMs) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    this.lastMs = nowMs;
  }

  /** Whole tokens available now. */
  available(nowMs: number): number {
    this.refill(nowMs);
    return Math.floor(this.tokens);
  }

  take(count: number, nowMs: number): void {
    this.refill(nowMs);
    this.tokens -= count;
  }

  /** Milliseconds until one whole token is there (0 if one is). */
  msUntilToken(nowMs: number): number {
    this.refill(nowMs);
    if (this.tokens >= 1 || this.rate <= 0) return this.tokens >= 1 ? 0 : Infinity;
    return Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }
}
