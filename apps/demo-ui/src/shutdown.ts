/**
 * Runs `close` on the first SIGINT or SIGTERM, then exits: 0 when it closed cleanly. `pnpm demo`
 * stops its apps this way, and Ctrl-C on an app started alone does the same.
 */
export function closeOnSignals(name: string, close: () => Promise<void>): void {
  const stop = (signal: NodeJS.Signals) => {
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`${name}: could not stop cleanly on ${signal}:`, error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * Reports that an app could not listen (the port taken, most often) in one line, and exits with
 * status 1, so whoever started it (`pnpm demo`, a shell) sees the failure instead of a stack trace
 * or, worse, an app that says it runs and exits 0.
 */
export function exitOnListenError(name: string, address: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const reason =
    code === 'EADDRINUSE'
      ? 'the port is in use'
      : error instanceof Error
        ? error.message
        : String(error);
  console.error(`${name}: cannot listen on ${address}: ${reason}${code ? ` (${code})` : ''}`);
  process.exit(1);
}
