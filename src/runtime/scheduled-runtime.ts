import { SettingsError } from '../config/settings.js';
import { createLambdaRuntime, type LambdaRuntime } from './lambda-runtime.js';

/**
 * The nightly function's runtime. Lambda retries a failed nightly run with the same event, and only
 * the delivery record in the report bucket lets the retry deliver what the first attempt did: in
 * enforce mode, without a bucket, a failed delivery would leave keys deactivated and a retry
 * reporting nothing done, so the function refuses to start. In report mode nothing is acted on and
 * a retry reports the same, at worst twice: a warning is enough.
 */
export function createScheduledRuntime(env: Readonly<Record<string, string | undefined>>): LambdaRuntime {
  const runtime = createLambdaRuntime(env);
  const { settings, logger } = runtime;
  if (settings.reportBucket !== null) return runtime;
  if (settings.mode === 'enforce') {
    throw new SettingsError([
      {
        name: 'REPORT_BUCKET',
        setting: 'reportBucket',
        message:
          'is required when MODE is "enforce" for the nightly function: a retried run delivers the report of the attempt that acted only from its delivery record in that bucket; set reportBucket or use mode report',
      },
    ]);
  }
  logger.warn(
    'no REPORT_BUCKET: a nightly run whose delivery fails is retried by auditing again, and its report may be published twice',
  );
  return runtime;
}
