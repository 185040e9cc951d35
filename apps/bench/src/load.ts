import autocannon from 'autocannon';

/** How hard and how long each server is loaded. */
export interface LoadSettings {
  /** Concurrent keep-alive connections. */
  connections: number;
  /** Seconds of each timed round (whole seconds: autocannon samples once a second). */
  duration: number;
  /** Seconds of untimed load before the first round (JIT, caches, connection pools). */
  warmup: number;
  /** Timed rounds per server; the figure reported is their median. */
  rounds: number;
  /**
   * When set, each round sends this many requests and ends, whatever `duration` says: the quick
   * mode's way to put every server under concurrent load in a fraction of a second.
   */
  requests?: number;
}

/** One request shape: every request of a round is the same. */
export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
}

/** What one round measured. */
export interface RoundResult {
  /** Responses divided by the round's duration. */
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  /** Responses that were not 2xx: each one disqualifies the round. */
  non2xx: number;
  /** Connection errors and timeouts: each one disqualifies the round. */
  errors: number;
  /**
   * CPU time the server process spent per response during the round, in microseconds (user plus
   * system). Unlike req/s, it hardly depends on the load generator or on other work sharing the
   * machine, so it is the figure to compare when the machine is noisy.
   */
  serverCpuMicros?: number;
}

/**
 * Loads one server for `duration` seconds (or `settings.requests` requests) with
 * `settings.connections` connections, no pipelining.
 */
export async function runRound(
  target: LoadTarget,
  settings: Pick<LoadSettings, 'connections' | 'requests'>,
  duration: number,
): Promise<RoundResult & { responses: number }> {
  const result = await autocannon({
    url: target.url,
    headers: target.headers,
    connections: settings.connections,
    pipelining: 1,
    ...(settings.requests ? { amount: settings.requests } : { duration }),
    timeout: 10,
    // autocannon notices the end of a round at its next sample: sample often, so that a round of
    // `requests` ends right after its last response rather than at the next whole second.
    sampleInt: 100,
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    responses: result.requests.total,
  };
}

/** The median of some numbers (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A server to load, and what its rounds gave. */
export interface LoadSubject {
  id: string;
  target: LoadTarget;
  rounds: RoundResult[];
  /** Why its rounds do not count (a bad response during the load), if they do not. */
  failure?: string;
  /** The CPU time the server process has used so far, in microseconds. */
  serverCpu?: () => Promise<number>;
}

/**
 * Loads several servers: one untimed warm-up each, then `rounds` rounds taken in turn (server A,
 * B, C, then A, B, C again...), so that a slow drift of the machine (another process, thermal
 * state) spreads over every server instead of favouring whichever ran first.
 */
export async function loadInTurn(subjects: LoadSubject[], settings: LoadSettings): Promise<void> {
  for (const subject of subjects) {
    if (settings.warmup > 0) await runRound(subject.target, settings, settings.warmup);
  }
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const subject of subjects) {
      if (subject.failure) continue;
      const cpuBefore = await subject.serverCpu?.();
      const { responses, ...result } = await runRound(subject.target, settings, settings.duration);
      const cpuAfter = await subject.serverCpu?.();
      if (cpuBefore !== undefined && cpuAfter !== undefined && responses > 0) {
        result.serverCpuMicros = (cpuAfter - cpuBefore) / responses;
      }
      subject.rounds.push(result);
      if (result.non2xx > 0 || result.errors > 0) {
        subject.failure = `round ${round + 1}: ${result.non2xx} non-2xx responses and ${result.errors} errors under load`;
      }
    }
  }
}
