/**
 * What the organizationAudit state machine's tasks hand each other (deploy/organization-audit.asl.json).
 */
import * as z from 'zod';
import type { Settings } from '../config/settings.js';
import { organizationAccountSchema } from './organization-report.js';

export const runSchema = z.strictObject({
  runId: z.string().min(1),
  orchestratorAccountId: z.string().regex(/^\d{12}$/),
  startedAt: z.iso.datetime(),
});
export type RunRef = z.infer<typeof runSchema>;

export const accountStepInputSchema = z.strictObject({ run: runSchema, account: organizationAccountSchema });

export const summaryStepInputSchema = z.object({
  run: runSchema,
  /** The Map state's `ResultWriterDetails`. */
  manifest: z.object({ Bucket: z.string(), Key: z.string() }),
});

/** The report bucket, which the state machine needs for its items and results. */
export const bucketOf = (settings: Settings): string => {
  if (!settings.reportBucket) throw new Error('An organization run on Step Functions needs reportBucket');
  return settings.reportBucket;
};
