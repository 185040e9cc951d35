// Runs one app of `pnpm demo` (the path in argv[2]) so that it cannot outlive the demo: the demo
// holds an IPC channel to it, and when that channel closes (the demo exited, or was killed with
// SIGKILL and could not stop its children) the app stops as on SIGTERM.
import { pathToFileURL } from 'node:url';

const script = process.argv[2];
process.argv.splice(2, 1);
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
await import(pathToFileURL(script).href);
