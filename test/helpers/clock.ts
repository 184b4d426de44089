// Time in tests: a clock for the app that a test moves forward instead of sleeping to separate two
// timestamps, and `sleep` for what really waits on time (request windows, a server killed mid-run).

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An ISO 8601 time of a millisecond count. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** Runs with the system clock, plus however far the test has moved it forward. */
export interface SteppingClock {
  /** For the app (`AppDependencies.clock`). */
  readonly now: () => Date;
  /** The clock's time now, in milliseconds. */
  readonly millis: () => number;
  /** Moves the clock forward: what happens after is at least `ms` later than what happened before. */
  advance(ms: number): void;
}

export function steppingClock(): SteppingClock {
  let offset = 0;
  const millis = () => Date.now() + offset;
  return { now: () => new Date(millis()), millis, advance: (ms) => { offset += ms; } };
}
