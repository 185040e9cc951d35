import { type ChildProcess, fork } from 'node:child_process';

/** A request to a child process, and its answer. */
interface Request {
  id: number;
  type: string;
  payload: unknown;
}
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** The compiled entry points a child can run (all beside `main.js` in `dist/`). */
export type ChildEntry = 'server' | 'raw-verify-worker' | 'memory-worker';

/** Where children write CPU profiles (`--cpu-prof=DIR` of the bench), if anywhere. */
let cpuProfileDirectory: string | undefined;

/**
 * Has every child started from now on write a V8 CPU profile, `<name>.cpuprofile`, into
 * `directory` when it stops: how to see where a server spends its time under load.
 */
export function profileChildrenInto(directory: string): void {
  cpuProfileDirectory = directory;
}

/**
 * A child process running one server under test or one measurement. Servers run in their own
 * process, not in a worker thread of the load generator: they get their own event loop, heap and
 * garbage collector, as in production, so autocannon's work (which fills one of the two cores) never
 * delays a response and a server's GC pauses never slow the load generator.
 */
export class Child {
  readonly #process: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve(value: unknown): void; reject(error: Error): void }
  >();
  #nextId = 1;
  #exited = false;

  private constructor(child: ChildProcess) {
    this.#process = child;
    child.on('message', (message: Reply) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new Error(message.error));
    });
    child.on('exit', (code, signal) => {
      this.#exited = true;
      for (const pending of this.#pending.values()) {
        pending.reject(new Error(`child exited (${signal ?? code}) before answering`));
      }
      this.#pending.clear();
    });
  }

  /**
   * Starts `dist/<entry>.js` with the given Node flags (e.g. `--expose-gc`); `name` names its CPU
   * profile when profiling is on.
   */
  static start(entry: ChildEntry, name: string = entry, execArgv: string[] = []): Child {
    const file = new URL(`./${entry}.js`, import.meta.url);
    const profile = cpuProfileDirectory
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${cpuProfileDirectory}`,
          `--cpu-prof-name=${name}.cpuprofile`,
          // A sample every 100 µs rather than every 1 ms: a request takes 15 to 150 µs.
          '--cpu-prof-interval=100',
        ]
      : [];
    const child = fork(file, [], {
      execArgv: [...execArgv, ...profile],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    return new Child(child);
  }

  /** Asks the child to do something; resolves with its answer, rejects with its error. */
  call<T>(type: string, payload?: unknown, timeoutMs = 60_000): Promise<T> {
    if (this.#exited) return Promise.reject(new Error('child has exited'));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`child did not answer ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#process.send({ id, type, payload } satisfies Request);
    });
  }

  /** Stops the child: politely first, then SIGKILL after two seconds. */
  async close(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#process.once('exit', () => resolve()));
    this.#process.send({ id: 0, type: 'stop', payload: undefined } satisfies Request);
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}

/** A handler of one request type, in the child. */
export type ChildHandlers = Record<string, (payload: never) => unknown>;

/**
 * The child's side: answers the parent's requests with `handlers`, exits on `stop` (after
 * `onStop`) or when the parent goes away.
 */
export function serveParent(handlers: ChildHandlers, onStop?: () => Promise<void>): void {
  const send = (reply: Reply) => process.send?.(reply);
  process.on('message', async (message: Request) => {
    if (message.type === 'stop') {
      await onStop?.().catch(() => undefined);
      process.exit(0);
    }
    const handler = handlers[message.type];
    try {
      if (!handler) throw new Error(`unknown request ${message.type}`);
      const result = await handler(message.payload as never);
      send({ id: message.id, ok: true, result });
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      send({ id: message.id, ok: false, error: text });
    }
  });
  process.on('disconnect', () => process.exit(0));
}
