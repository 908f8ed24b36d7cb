/**
 * `npm run sandbox -- --port 4566 --fixture events/sandbox/acme.json [--synthetic-users N --seed S
 * --latency-ms L --throttle-rps R --fail-rate P --report-delay-ms D]`
 */
import { runSandboxCli } from './run-cli.js';

process.exit(await runSandboxCli(process.argv.slice(2)));
