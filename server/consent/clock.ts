/** What time it is for consent: injectable, so tests run years of lapses and renewals in milliseconds. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
