import type { Clock } from '../../server/consent/clock.js';

const DAY = 86_400_000;

/** A clock the test moves: years of lapses and renewals in milliseconds. */
export class TestClock implements Clock {
  private offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  advanceDays(days: number): void {
    this.offset += days * DAY;
  }

  /** Now is `ms` (epoch milliseconds) until moved again. */
  setTo(ms: number): void {
    this.offset = ms - Date.now();
  }

  reset(): void {
    this.offset = 0;
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }
}
