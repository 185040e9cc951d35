import {
  type LoadSettings,
  type LoadSubject,
  type LoadTarget,
  loadInTurn,
  median,
} from '../load.js';
import type { Group, Measurement, Role } from '../report.js';
import type { ServerName } from '../servers/catalogue.js';
import type { ServerContext } from '../servers/types.js';
import { Child } from './child.js';

/** One server of an HTTP scenario group. */
export interface Candidate {
  id: ServerName;
  label: string;
  role: Role;
}

/** A server child, listening, perhaps configured, and what happened to it so far. */
export interface Contestant {
  candidate: Candidate;
  child: Child;
  baseUrl: string;
  /** The correctness checks passed so far. */
  checks: string[];
  /** The first thing that went wrong: it then gets no number. */
  failure?: string;
  /** What the timed load sends, once the checks passed. */
  target?: LoadTarget;
}

/** Starts one child per candidate and has each listen on 127.0.0.1 (port chosen by the system). */
export async function listenAll(candidates: Candidate[]): Promise<Contestant[]> {
  return Promise.all(
    candidates.map(async (candidate) => {
      const child = Child.start('server', candidate.id);
      const { baseUrl } = await child.call<{ baseUrl: string }>('listen');
      return { candidate, child, baseUrl, checks: [] };
    }),
  );
}

/** Builds each server in its child; a server that cannot be built is marked failed. */
export async function configureAll(
  contestants: Contestant[],
  context: (contestant: Contestant) => Omit<ServerContext, 'server' | 'baseUrl'>,
): Promise<void> {
  await Promise.all(
    contestants.map(async (contestant) => {
      try {
        await contestant.child.call('configure', {
          name: contestant.candidate.id,
          context: context(contestant),
        });
      } catch (error) {
        contestant.failure = `could not start: ${(error as Error).message.split('\n')[0]}`;
      }
    }),
  );
}

/** A correctness check: a description, and a function that throws if the server got it wrong. */
export interface Check {
  name: string;
  run(baseUrl: string): Promise<void>;
}

/** Runs the checks of each contestant in order; the first failure disqualifies it. */
export async function checkAll(
  contestants: Contestant[],
  checksFor: (contestant: Contestant) => Check[],
): Promise<void> {
  for (const contestant of contestants) {
    if (contestant.failure) continue;
    for (const check of checksFor(contestant)) {
      try {
        await check.run(contestant.baseUrl);
        contestant.checks.push(check.name);
      } catch (error) {
        contestant.failure = `check "${check.name}" failed: ${(error as Error).message}`;
        break;
      }
    }
  }
}

/** Loads every contestant that passed its checks, in turn, and turns the rounds into figures. */
export async function loadAndMeasure(
  group: Group,
  contestants: Contestant[],
  settings: LoadSettings,
): Promise<Measurement[]> {
  const subjects: Array<LoadSubject & { contestant: Contestant }> = contestants
    .filter((contestant) => !contestant.failure && contestant.target)
    .map((contestant) => ({
      id: contestant.candidate.id,
      target: contestant.target as LoadTarget,
      rounds: [],
      contestant,
      serverCpu: () => contestant.child.call<number>('cpu'),
    }));
  await loadInTurn(subjects, settings);
  for (const subject of subjects) {
    if (subject.failure) subject.contestant.failure = subject.failure;
  }
  return contestants.map((contestant) => {
    const { candidate } = contestant;
    const base = {
      group,
      id: candidate.id,
      label: candidate.label,
      role: candidate.role,
      unit: 'req/s' as const,
      checks: contestant.checks,
      ratios: {},
    };
    if (contestant.failure) return { ...base, status: 'failed', reason: contestant.failure };
    const rounds = subjects.find((subject) => subject.contestant === contestant)?.rounds ?? [];
    return {
      ...base,
      status: 'ok',
      median: median(rounds.map((round) => round.requestsPerSecond)),
      rounds: rounds.map((round) => round.requestsPerSecond),
      p99: median(rounds.map((round) => round.latencyP99)),
      cpuMicros: median(rounds.flatMap((round) => round.serverCpuMicros ?? [])),
    };
  });
}

/** Stops every child of a group. */
export async function closeAll(contestants: Contestant[]): Promise<void> {
  await Promise.all(contestants.map((contestant) => contestant.child.close()));
}

/** GETs a URL with some headers and returns the status and the parsed JSON body (if any). */
export async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}
