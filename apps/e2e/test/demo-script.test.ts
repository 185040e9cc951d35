// `pnpm demo` (scripts/demo.mjs) as a user runs it: with a port taken, and stopped with SIGTERM
// and SIGINT. Each run is bounded in time; after a stop every port it used must be free again
// (no orphaned child still listening).
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const running: ChildProcess[] = [];
const servers: Server[] = [];

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
  await Promise.all(servers.splice(0).map((server) => new Promise((r) => server.close(r))));
});

/** A port free at this moment (the system's choice), optionally kept taken. */
async function port(keep = false): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  if (keep) servers.push(server);
  else await new Promise((resolve) => server.close(resolve));
  return port;
}

async function demoPorts() {
  return {
    DEV_TENANT_PORT: String(await port()),
    EXPRESS_WEB_PORT: String(await port()),
    FASTIFY_WEB_PORT: String(await port()),
    API_PORT: String(await port()),
    CUSTOM_DOMAIN_PORT: String(await port()),
  };
}

/**
 * Starts `pnpm demo` as a user does (pnpm, then the script), in a process group of its own as a
 * terminal would; `output` collects stdout and stderr, `exited` its code or signal.
 */
function demo(ports: Record<string, string>) {
  const child = spawn('pnpm', ['--silent', 'demo'], {
    cwd: root,
    env: { ...process.env, ...ports, DEMO_SKIP_BUILD: '1', AUTH0_DOMAIN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.push(child);
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const until = async (text: string, ms: number) => {
    const deadline = Date.now() + ms;
    while (!output.includes(text)) {
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`no "${text}" within ${ms} ms; output:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, exited, until, output: () => output };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms),
    ),
  ]);
}

/** True when nothing listens on `port` any more. */
async function free(port: string): Promise<boolean> {
  const server = createServer();
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(Number(port), '127.0.0.1', () => resolve(true));
  });
  if (ok) await new Promise((resolve) => server.close(resolve));
  return ok;
}

describe('pnpm demo (scripts/demo.mjs)', () => {
  it('refuses to start when a port is taken, naming the port and the variable to change', async () => {
    const ports = { ...(await demoPorts()), FASTIFY_WEB_PORT: String(await port(true)) };
    const run = demo(ports);
    const { code } = await within(run.exited, 10_000, 'the demo with a port taken');
    expect(code).toBe(1);
    expect(run.output()).toContain(
      `Port ${ports.FASTIFY_WEB_PORT} (the Fastify web app) is in use`,
    );
    expect(run.output()).toContain('FASTIFY_WEB_PORT');
    expect(run.output()).not.toContain('EADDRINUSE');
    // Nothing started: the tenant's port was never taken.
    expect(await free(ports.DEV_TENANT_PORT)).toBe(true);
  });

  const stops = [
    // A service manager or `kill <pid>`: SIGTERM to pnpm alone.
    { name: 'SIGTERM to pnpm', stop: (pid: number) => process.kill(pid, 'SIGTERM') },
    // Ctrl-C in a terminal: SIGINT to the whole foreground process group.
    { name: 'Ctrl-C (SIGINT to the group)', stop: (pid: number) => process.kill(-pid, 'SIGINT') },
  ];
  for (const { name, stop } of stops) {
    it(`stops on ${name} with status 0, its children with it, every port released`, async () => {
      const ports = await demoPorts();
      const run = demo(ports);
      await run.until('Gatehouse demo is running', 40_000);
      stop(run.child.pid as number);
      const { code, signal } = await within(run.exited, 10_000, `the demo after ${name}`);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(run.output()).not.toContain('ELIFECYCLE');
      for (const value of Object.values(ports)) expect(await free(value)).toBe(true);
    });
  }

  it('reports an app that cannot listen and stops, with status 1', async () => {
    const taken = String(await port(true));
    const child = spawn(process.execPath, ['apps/express-web/dist/main.js'], {
      cwd: root,
      env: { ...process.env, PORT: taken, DEV_TENANT_URL: 'http://127.0.0.1:9' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const code = await within(
      new Promise((resolve) => child.once('exit', resolve)),
      10_000,
      'express-web with its port taken',
    );
    expect(code).toBe(1);
    expect(output).toContain(
      `express-web: cannot listen on 127.0.0.1:${taken}: the port is in use`,
    );
    expect(output).not.toContain('Express demo on');
  });
});
