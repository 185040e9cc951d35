import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';

/** The scenario groups of issue 11, in the order they run and print. */
export type Group =
  | 'api-express'
  | 'api-fastify'
  | 'session'
  | 'session-fastify'
  | 'cookie-bytes'
  | 'raw-verify'
  | 'memory';

export const GROUP_TITLES: Record<Group, string> = {
  'api-express': '1. Protected API route, Express 5 (valid RS256 token)',
  'api-fastify': '1. Protected API route, Fastify 5 (valid RS256 token)',
  session: '2. Page that reads the session, Express 5',
  'session-fastify': '2. Page that reads the session, Fastify 5',
  'cookie-bytes':
    '2b. Session cookie bytes after a real login, by APIs with a token in the session',
  'raw-verify': '3. Raw verification of one RS256 token, no HTTP',
  memory: '4. Memory: heap growth of one ApiClient (after forced GC)',
};

/**
 * What a figure is compared with. `ceiling`: the bare framework; `limit`: the framework plus one
 * bare `crypto.verify` (or, for raw verification, `crypto.verify` alone); `peer`: the library
 * users would otherwise pick.
 */
export type Role = 'ceiling' | 'limit' | 'gatehouse' | 'peer' | 'info';

/** One figure of the report. */
export interface Measurement {
  group: Group;
  id: string;
  label: string;
  role: Role;
  unit: 'req/s' | 'ops/s' | 'MB' | 'B';
  /** `ok`: checked and timed; `failed`: a correctness check failed, so it has no figure. */
  status: 'ok' | 'failed';
  /** Why it failed. */
  reason?: string;
  /** The correctness checks it passed before its number counted. */
  checks: string[];
  /** The median of the rounds. */
  median?: number;
  rounds?: number[];
  /** Median over the rounds of the 99th-percentile latency, ms (HTTP scenarios). */
  p99?: number;
  /** Median over the rounds of the server's CPU time per response, µs (HTTP scenarios). */
  cpuMicros?: number;
  /** The median divided by the ceiling's, the limit's and the peer's of the same group. */
  ratios: { ceiling?: number; limit?: number; peer?: number };
  /** Other facts (memory: entries held, bounds, fetches). */
  details?: Record<string, number | string>;
}

/** One target of issue 11 and whether it holds in this run. */
export interface Target {
  id: string;
  description: string;
  /** The measured value the target is about (a ratio, or MB). */
  value?: number;
  /** What the value must reach. */
  goal: string;
  /** `null`: could not be evaluated (a scenario it needs failed or did not run). */
  holds: boolean | null;
}

export interface Report {
  date: string;
  mode: 'quick' | 'full';
  command: string;
  machine: {
    cpus: number;
    model: string;
    memoryGiB: number;
    node: string;
    platform: string;
    /** 1-minute load average at the start and at the end: other work on the machine skews figures. */
    loadAverage: { start: number; end: number };
  };
  settings: Record<string, unknown>;
  durationSeconds: number;
  measurements: Measurement[];
  targets: Target[];
}

export function machine(loadAtStart: number): Report['machine'] {
  const cores = cpus();
  return {
    loadAverage: { start: loadAtStart, end: Number((loadavg()[0] ?? 0).toFixed(2)) },
    cpus: cores.length,
    model: cores[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Fills every measurement's ratios from the ceiling, limit and peer of its group. */
export function computeRatios(measurements: Measurement[]): void {
  const reference = (group: Group, role: Role) =>
    measurements.find((m) => m.group === group && m.role === role && m.status === 'ok')?.median;
  for (const m of measurements) {
    if (m.status !== 'ok' || m.median === undefined || m.unit === 'MB' || m.unit === 'B') continue;
    const ceiling = reference(m.group, 'ceiling');
    const limit = reference(m.group, 'limit');
    const peer = reference(m.group, 'peer');
    m.ratios = {
      ceiling: ceiling ? m.median / ceiling : undefined,
      limit: limit ? m.median / limit : undefined,
      peer: peer ? m.median / peer : undefined,
    };
  }
}

const number = (value: number | undefined, digits = 0) =>
  value === undefined || Number.isNaN(value)
    ? '—'
    : value.toLocaleString('en-US', {
        maximumFractionDigits: digits,
        minimumFractionDigits: digits,
      });
const ratio = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(2)}×`);

/** The results as a Markdown table per group (also readable on a terminal), then the targets. */
export function formatReport(report: Report): string {
  const lines: string[] = [];
  const groups = [...new Set(report.measurements.map((m) => m.group))];
  for (const group of groups) {
    const rows = report.measurements.filter((m) => m.group === group);
    lines.push(`### ${GROUP_TITLES[group]}`, '');
    if (group === 'cookie-bytes') {
      lines.push(
        '| session | Cookie header bytes | cookies (chunks) | check |',
        '|---|--:|--:|---|',
      );
      for (const m of rows) {
        const bytes = m.status === 'ok' ? number(m.median) : `**${m.status}**`;
        lines.push(`| ${m.label} | ${bytes} | ${m.details?.chunks ?? '—'} | ${checkCell(m)} |`);
      }
    } else if (group === 'memory') {
      lines.push(
        '| scenario | heap growth | first half | second half (cache full) | held / bound | check |',
        '|---|--:|--:|--:|--:|---|',
      );
      for (const m of rows) {
        const mb = (key: string) =>
          m.details?.[key] === undefined ? '—' : `${number(Number(m.details[key]), 1)} MB`;
        const held =
          m.details?.held === undefined ? '—' : `${m.details.held} / ${m.details.bound ?? '—'}`;
        const growth = m.status === 'ok' ? `${number(m.median, 1)} MB` : m.status;
        lines.push(
          `| ${m.label} | ${growth} | ${mb('firstHalfMb')} | ${mb('secondHalfMb')} | ${held} | ${checkCell(m)} |`,
        );
      }
    } else {
      const peerLabel = rows.find((m) => m.role === 'peer')?.label ?? 'peer';
      const limitColumn = rows.some((m) => m.role === 'limit');
      const unit = rows[0]?.unit ?? 'req/s';
      const header = ['scenario', `median ${unit}`];
      if (unit === 'req/s') header.push('p99 ms', 'server CPU µs/req');
      const commandsColumn = rows.some((m) => m.details?.redisCommandsPerRequest !== undefined);
      if (commandsColumn) header.push('Redis round trips/req');
      const bytesColumn = rows.some((m) => m.details?.cookieBytes !== undefined);
      if (bytesColumn) header.push('session cookie bytes');
      if (rows.some((m) => m.role === 'ceiling')) header.push('× ceiling');
      if (limitColumn) header.push(unit === 'req/s' ? '× limit' : '× crypto.verify');
      header.push(`× ${peerLabel}`, 'check');
      lines.push(
        `| ${header.join(' | ')} |`,
        `|${header.map((_, i) => (i === 0 || i === header.length - 1 ? '---' : '--:')).join('|')}|`,
      );
      for (const m of rows) {
        const cells = [m.label, m.status === 'ok' ? number(m.median) : `**${m.status}**`];
        if (unit === 'req/s') cells.push(number(m.p99, 1), number(m.cpuMicros, 1));
        if (commandsColumn) {
          const perRequest = m.details?.redisCommandsPerRequest;
          cells.push(perRequest === undefined ? '—' : number(Number(perRequest), 2));
        }
        if (bytesColumn) {
          const bytes = m.details?.cookieBytes;
          cells.push(bytes === undefined ? '—' : number(Number(bytes)));
        }
        if (rows.some((r) => r.role === 'ceiling')) cells.push(ratio(m.ratios.ceiling));
        if (limitColumn) cells.push(ratio(m.ratios.limit));
        cells.push(ratio(m.ratios.peer), checkCell(m));
        lines.push(`| ${cells.join(' | ')} |`);
      }
    }
    const notes = rows.filter((m) => m.reason);
    for (const m of notes) lines.push('', `- ${m.label}: ${m.status} — ${m.reason}`);
    lines.push('');
  }
  lines.push(
    '### Targets of issue 11',
    '',
    '| target | measured | goal | holds |',
    '|---|--:|--:|---|',
  );
  for (const target of report.targets) {
    const holds = target.holds === null ? 'n/a' : target.holds ? 'yes' : '**no**';
    const value = target.value === undefined ? '—' : target.value.toFixed(2);
    lines.push(`| ${target.description} | ${value} | ${target.goal} | ${holds} |`);
  }
  return lines.join('\n');
}

function checkCell(m: Measurement): string {
  if (m.status === 'failed') return 'FAILED';
  return `passed (${m.checks.length})`;
}

export async function writeReport(path: string, report: Report): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
