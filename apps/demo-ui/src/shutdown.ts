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
