/**
 * The organization cap on Step Functions, where each account is audited by a Lambda of its own:
 * one ledger object, `organization-runs/<runId>/budget/ledger.json` in the report bucket, changed
 * only by S3 conditional writes (created with `If-None-Match: *`, then replaced with `If-Match` on
 * the ETag just read). Two audits that read the same version cannot both write their change: S3
 * answers the second 412 PreconditionFailed (or 409 ConditionalRequestConflict when the writes
 * race), and it reads again, so accounts starting together are never granted more than the cap.
 * An account that finds the rest held by audits still running polls the ledger for them to give
 * back what they did not use, for up to five minutes, then is audited in report mode.
 *
 * One counter object rather than one claim object per unit of budget: a reservation and its
 * settlement (giving back what was not used) are each one atomic write, where claims would need a
 * write per unit and deletes to give units back. Settled reservations fold into `consumed`, so the
 * ledger stays as small as the number of audits running at once.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { putOwnedObject } from '../aws/put-object.js';
import type { ActionBudget } from './action-budget.js';

/**
 * The run's working objects (accounts, budget ledger, the map's results) live under
 * `organization-runs/` of the report bucket.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const ORGANIZATION_RUN_OBJECT_PERMISSIONS = [
  {
    action: 's3:PutObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/organization-runs/*',
    why: "writes an organization run's account list and its budget ledger under organization-runs/",
  },
  {
    action: 's3:GetObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/organization-runs/*',
    why: "reads the organization cap's ledger (and its ETag) before each conditional write",
  },
] as const satisfies readonly PermissionDeclaration[];

const ledgerSchema = z.strictObject({
  /** Deactivations made by settled reservations. */
  consumed: z.number().int().nonnegative(),
  /** Reservations not settled yet, by id. */
  outstanding: z.record(
    z.string(),
    z.strictObject({
      accountId: z.string(),
      granted: z.number().int().positive(),
      reservedAt: z.iso.datetime(),
    }),
  ),
});
type Ledger = z.infer<typeof ledgerSchema>;

/**
 * A reservation older than this was made by a child that can no longer be running (a Lambda runs
 * at most 15 minutes): it stays counted in full, since its keys may be deactivated, but nobody waits
 * for it to be given back.
 */
const ABANDONED_AFTER_MS = 15 * 60_000;
/** Lost races (412/409) tolerated for one change of the ledger before giving up. */
const MAX_CONFLICTS = 30;

export interface BudgetTiming {
  /** Waits `ms` (between two attempts, or while the budget is held). */
  pause(ms: number): Promise<void>;
  /** The wall clock, for the reservations' age. */
  now(): Date;
  /** How long an account waits for running audits to give budget back before it is audited in report mode. */
  maxWaitMs: number;
}

const REAL_TIMING: BudgetTiming = {
  pause: (ms) => sleep(ms),
  now: () => new Date(),
  maxWaitMs: 5 * 60_000,
};

/** Full jitter: audits that lost the same race retry at different moments. */
const backoff = (conflicts: number) => Math.random() * Math.min(2_000, 25 * 2 ** conflicts);

const isLostRace = (error: unknown) => {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 412 || status === 409;
};

/**
 * The budget of one account's audit in the run `where.runId`, against `limit` deactivations in all.
 *
 * @throws Error from reserve or settle when the ledger cannot be read or written (an S3 error,
 *   or more than MAX_CONFLICTS lost races), naming the ledger and the account.
 */
export function s3Budget(
  s3: Pick<S3Client, 'send'>,
  where: { bucket: string; owner: string; runId: string; accountId: string },
  limit: number,
  timing: Partial<BudgetTiming> = {},
): ActionBudget {
  const { pause, now, maxWaitMs } = { ...REAL_TIMING, ...timing };
  const key = `organization-runs/${where.runId}/budget/ledger.json`;
  const ledgerName = `the organization cap's ledger s3://${where.bucket}/${key} (account ${where.accountId})`;

  async function read(): Promise<{ ledger: Ledger; etag: string | null }> {
    try {
      const object = await s3.send(
        new GetObjectCommand({ Bucket: where.bucket, Key: key, ExpectedBucketOwner: where.owner }),
      );
      const ledger = ledgerSchema.parse(JSON.parse((await object.Body?.transformToString()) ?? ''));
      return { ledger, etag: object.ETag ?? null };
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey')
        return { ledger: { consumed: 0, outstanding: {} }, etag: null };
      throw new Error(`Could not read ${ledgerName}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Writes `ledger` over the version `etag` (null: none yet); false when another audit wrote first. */
  async function write(ledger: Ledger, etag: string | null): Promise<boolean> {
    try {
      await putOwnedObject(s3, {
        bucket: where.bucket,
        key,
        body: JSON.stringify(ledger),
        contentType: 'application/json',
        owner: where.owner,
        ...(etag === null ? { ifNoneMatch: '*' } : { ifMatch: etag }),
      });
      return true;
    } catch (error) {
      if (isLostRace(error)) return false;
      throw new Error(`Could not write ${ledgerName}: ${(error as Error).message}`, { cause: error });
    }
  }

  async function lostRace(conflicts: number): Promise<void> {
    if (conflicts >= MAX_CONFLICTS) {
      throw new Error(
        `Gave up on ${ledgerName} after ${conflicts} conflicting writes by other audits; the account was not audited under the cap: run it again`,
      );
    }
    await pause(backoff(conflicts));
  }

  /** Reservations given out and not settled: id -> granted. */
  const mine = new Map<string, number>();

  return {
    async reserve(wanted) {
      if (wanted <= 0) return 0;
      let conflicts = 0;
      let waited = 0;
      for (;;) {
        const { ledger, etag } = await read();
        const entries = Object.values(ledger.outstanding);
        const held = entries.reduce((sum, entry) => sum + entry.granted, 0);
        const left = Math.max(0, limit - ledger.consumed - held);
        if (left === 0) {
          const cutoff = now().getTime() - ABANDONED_AFTER_MS;
          const running = entries.some((entry) => Date.parse(entry.reservedAt) > cutoff);
          if (!running || waited >= maxWaitMs) return 0;
          // Running audits hold the rest: wait for them to give back what they do not use.
          const delay = Math.min(5_000, 100 * 2 ** Math.min(6, Math.floor(waited / 1_000)));
          await pause(delay);
          waited += delay;
          continue;
        }
        const granted = Math.min(wanted, left);
        const id = `${where.accountId}/${randomUUID()}`;
        const next: Ledger = {
          consumed: ledger.consumed,
          outstanding: {
            ...ledger.outstanding,
            [id]: { accountId: where.accountId, granted, reservedAt: now().toISOString() },
          },
        };
        if (await write(next, etag)) {
          mine.set(id, granted);
          return granted;
        }
        conflicts += 1;
        await lostRace(conflicts);
      }
    },
    async settle(granted, used) {
      const id = [...mine].find(([, amount]) => amount === granted)?.[0];
      if (id === undefined) return;
      mine.delete(id);
      let conflicts = 0;
      for (;;) {
        const { ledger, etag } = await read();
        const { [id]: reservation, ...rest } = ledger.outstanding;
        if (!reservation) throw new Error(`Reservation ${id} is missing from ${ledgerName}`);
        const next: Ledger = { consumed: ledger.consumed + used, outstanding: rest };
        if (await write(next, etag)) return;
        conflicts += 1;
        await lostRace(conflicts);
      }
    },
  };
}
