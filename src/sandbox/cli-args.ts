import { parseArgs } from 'node:util';
import type { SandboxOptions } from './server.js';

/** The `--help` text. */
export const USAGE = `Usage: key-hygiene sandbox [options]   (or npm run sandbox -- [options])
  --port N              port on 127.0.0.1 (0 picks a free one; default 4566)
  --fixture PATH        fixture JSON (see docs/sandbox.md)
  --synthetic-users N   add a generated account of N users (the default account without --fixture)
  --seed S              seed for the synthetic account, generated IDs and faults (default key-hygiene)
  --latency-ms L        added latency per answer, in ms
  --throttle-rps R      per-account token bucket; excess requests get Throttling 400
  --fail-rate P         share of requests answered ServiceFailure 500 (0..1)
  --report-delay-ms D   time until a generated credential report is COMPLETE (default 0)
  --help                this text

Examples:
  key-hygiene sandbox --port 4566 --fixture events/sandbox/acme.json
  key-hygiene sandbox --port 0 --synthetic-users 10000 --latency-ms 5    # a large account
Then, in another shell, with any keys (the sandbox checks no signature):
  AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=dummy \\
    key-hygiene audit --endpoint-url http://127.0.0.1:4566 --region us-east-1`;

/** A bad command line; the message says which flag and what it takes. */
export class UsageError extends Error {
  override name = 'UsageError';
}

function number(name: string, raw: string | undefined, min: number, max = Number.POSITIVE_INFINITY) {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(
      `--${name} must be a number from ${min}${max < Infinity ? ` to ${max}` : ''}, got "${raw}"`,
    );
  }
  return value;
}

function integer(name: string, raw: string | undefined, min: number, max?: number) {
  const value = number(name, raw, min, max);
  if (value !== undefined && !Number.isInteger(value))
    throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  return value;
}

/** @throws UsageError naming the bad flag. */
export function parseCliArgs(argv: readonly string[]): SandboxOptions | 'help' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const users = integer('synthetic-users', values['synthetic-users'], 0);
  if (values.fixture === undefined && users === undefined) {
    throw new UsageError('Give --fixture PATH, --synthetic-users N, or both');
  }
  const options: SandboxOptions = { port: integer('port', values.port ?? '4566', 0, 65_535) ?? 4566 };
  if (values.fixture !== undefined) options.fixture = values.fixture;
  if (values.seed !== undefined) options.seed = values.seed;
  if (users !== undefined) options.synthetic = { users };
  const latencyMs = number('latency-ms', values['latency-ms'], 0);
  if (latencyMs !== undefined) options.latencyMs = latencyMs;
  const throttleRps = number('throttle-rps', values['throttle-rps'], 0);
  if (throttleRps !== undefined) options.throttleRps = throttleRps;
  const failRate = number('fail-rate', values['fail-rate'], 0, 1);
  if (failRate !== undefined) options.failRate = failRate;
  const delay = number('report-delay-ms', values['report-delay-ms'], 0);
  if (delay !== undefined) options.credentialReportDelayMs = delay;
  return options;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      fixture: { type: 'string' },
      'synthetic-users': { type: 'string' },
      seed: { type: 'string' },
      'latency-ms': { type: 'string' },
      'throttle-rps': { type: 'string' },
      'fail-rate': { type: 'string' },
      'report-delay-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
}
