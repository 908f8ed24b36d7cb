/**
 * Reads what each key did, from CloudTrail: LookupEvents by `AccessKeyId` in the key's last-used
 * region and in the audit's home region, over up to 90 days, 50 events a page. CloudTrail allows 2
 * lookups a second per account and region, so each region's lookups go through one rate limiter
 * and a throttled lookup is retried after a backoff. A budget of pages per key and of time for the
 * whole read bounds the cost; the report says which keys it left incomplete and why. Only the
 * summary is kept, never the events.
 */
import type { CloudTrailClient, Event } from '@aws-sdk/client-cloudtrail';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import { type LimiterTime, RoundRateLimiter } from '../aws/rate-limiter.js';
import type { EVIDENCE_GAPS } from '../model.js';
import { type EvidenceSummary, summarizeEvents } from './summarize-events.js';

/**
 * The audit roles hold LookupEvents whatever `evidence` says: owner resolution reads who created a
 * key with it too.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const EVIDENCE_PERMISSIONS = [
  {
    action: 'cloudtrail:LookupEvents',
    resource: '*',
    why: "reads each in-use key's last 90 days of API calls, to summarise how it is used (takes no resource)",
  },
] as const satisfies readonly PermissionDeclaration[];

/** CloudTrail's published lookup rate, per account and region. */
export const LOOKUPS_PER_SECOND = 2;
const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;
/** A throttled lookup waits 0.5 s, 1 s, 2 s, 4 s before giving up on the key. */
const THROTTLE_ATTEMPTS = 5;
const BACKOFF_BASE_MS = 500;

export interface EvidenceKey {
  accessKeyId: string;
  userName: string;
  /** GetAccessKeyLastUsed's region; null or `N/A` for a global service or a key never used. */
  lastUsedRegion: string | null;
  /** The key's creation date (ISO), when known: the report matches slot-only findings by it. */
  keyCreateDate?: string | null;
}

export interface EvidenceDeps {
  /** A CloudTrail client of the region, made without SDK retries: the reader paces and retries. */
  cloudtrail: (region: string) => Pick<CloudTrailClient, 'send'>;
  /** The end of the window read. */
  clock: () => Date;
  /** Pacing and backoff time; real time unless a test moves a clock instead. */
  time?: LimiterTime;
  /** True once the run must stop starting new work (the Lambda's time budget). */
  shouldStop?: () => boolean;
  /**
   * Each region's rate limiter, by region: a run that reads twice (the check before apply, the
   * profiles after) shares them, so the second read does not start at full speed on a spent quota.
   */
  limiters?: Map<string, RoundRateLimiter>;
}

export interface EvidenceRequest {
  keys: readonly EvidenceKey[];
  /** The audit's home region, read too when the key was last used elsewhere. */
  homeRegion: string;
  /** Days back from now (1 to 90: LookupEvents keeps 90 days). */
  days: number;
  /** Lookups (pages of 50 events) at most per key, over all its regions. */
  maxPagesPerKey: number;
  /** The whole read starts no lookup after this many milliseconds. */
  timeBudgetMs: number;
  /**
   * One lookup of one event per region, the newest (LookupEvents answers newest first): all the
   * check before apply needs to know whether a key was used after the date the plan relied on.
   */
  newestOnly?: boolean;
}

/** Why a key's evidence is partial: `budget` (pages or time spent), or the error that stopped it. */
export type EvidenceGap = (typeof EVIDENCE_GAPS)[number];

export interface KeyEvidence {
  accessKeyId: string;
  userName: string;
  keyCreateDate: string | null;
  /** The regions read, in order. */
  regions: string[];
  /** Lookups made for the key (throttled retries included). */
  lookups: number;
  /** The summary of what was read; partial when `gap` is set. */
  summary: EvidenceSummary;
  /** Null when every event of the window was read. */
  gap: EvidenceGap | null;
  /** What failed, on which key and region, and what to do; null without an error. */
  error: string | null;
}

const REAL_TIME: LimiterTime = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const isThrottle = (error: unknown) =>
  error instanceof Error && (error.name === 'ThrottlingException' || error.name === 'Throttling');
const isDenied = (error: unknown) =>
  error instanceof Error && /AccessDenied|UnauthorizedOperation|NotAuthorized/.test(error.name);

/** CloudTrail records the calls to global services (IAM, STS's global endpoint) in us-east-1. */
const GLOBAL_SERVICES_REGION = 'us-east-1';

/**
 * The regions to read for a key: where it was last used (us-east-1 for a global service, `N/A`),
 * then the home region. A key never used has no last-used region: the home region only.
 */
function regionsOf(key: EvidenceKey, homeRegion: string): string[] {
  const last = key.lastUsedRegion === 'N/A' ? GLOBAL_SERVICES_REGION : key.lastUsedRegion;
  return last && last !== homeRegion ? [last, homeRegion] : [homeRegion];
}

class KeyReadStop extends Error {
  constructor(
    readonly gap: EvidenceGap,
    message: string,
  ) {
    super(message);
    this.name = 'KeyReadStop';
  }
}

/**
 * Reads and summarises each key's CloudTrail events, one key after another. A failure on one key
 * (denied, throttled past the retries) is recorded on that key and the next key is read.
 */
export async function readEvidence(deps: EvidenceDeps, request: EvidenceRequest): Promise<KeyEvidence[]> {
  const time = deps.time ?? REAL_TIME;
  const deadline = time.now() + request.timeBudgetMs;
  const end = deps.clock();
  const start = new Date(end.getTime() - Math.min(Math.max(request.days, 1), 90) * DAY_MS);
  const limiters = deps.limiters ?? new Map<string, RoundRateLimiter>();
  const limiterOf = (region: string) => {
    let limiter = limiters.get(region);
    if (!limiter) {
      limiter = new RoundRateLimiter(time, { maxRate: LOOKUPS_PER_SECOND });
      limiters.set(region, limiter);
    }
    return limiter;
  };

  const results: KeyEvidence[] = [];
  for (const key of request.keys) {
    const regions = regionsOf(key, request.homeRegion);
    const events: Event[] = [];
    let lookups = 0;
    let pages = 0;
    let gap: EvidenceGap | null = null;
    let error: string | null = null;
    try {
      for (const region of regions) {
        const client = deps.cloudtrail(region);
        const limiter = limiterOf(region);
        let token: string | undefined;
        do {
          if (pages >= request.maxPagesPerKey) {
            throw new KeyReadStop('budget', `read ${pages} pages, the most per key (evidenceMaxPagesPerKey)`);
          }
          if (deps.shouldStop?.()) {
            throw new KeyReadStop('budget', "the run's time budget is spent");
          }
          const page = await lookup(client, limiter, time, deadline, key, region, {
            start,
            end,
            token,
            size: request.newestOnly ? 1 : PAGE_SIZE,
            onAttempt: () => {
              lookups += 1;
            },
          });
          pages += 1;
          events.push(...(page.Events ?? []));
          token = request.newestOnly ? undefined : page.NextToken;
        } while (token);
      }
    } catch (caught) {
      if (caught instanceof KeyReadStop) {
        gap = caught.gap;
        error = caught.gap === 'budget' ? null : caught.message;
      } else {
        const described = describeAwsError(caught);
        gap = isDenied(caught) ? 'denied' : 'error';
        error = `CloudTrail LookupEvents for key ${key.accessKeyId} of user ${key.userName} failed: ${described.code}: ${described.message}. ${
          gap === 'denied'
            ? "Grant the auditor's role cloudtrail:LookupEvents."
            : 'The key is summarised from what was read; the next run reads it again.'
        }`;
      }
    }
    results.push({
      accessKeyId: key.accessKeyId,
      userName: key.userName,
      keyCreateDate: key.keyCreateDate ?? null,
      regions,
      lookups,
      summary: summarizeEvents(events),
      gap,
      error,
    });
  }
  return results;
}

/** One page, paced by the region's limiter and retried with backoff while throttled. */
async function lookup(
  client: Pick<CloudTrailClient, 'send'>,
  limiter: RoundRateLimiter,
  time: LimiterTime,
  deadline: number,
  key: EvidenceKey,
  region: string,
  page: { start: Date; end: Date; token: string | undefined; size: number; onAttempt: () => void },
) {
  for (let attempt = 1; ; attempt++) {
    if (time.now() >= deadline) {
      throw new KeyReadStop('budget', 'the time budget for evidence (evidenceTimeBudgetSeconds) is spent');
    }
    await limiter.getSendToken();
    page.onAttempt();
    try {
      const answer = await client.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: key.accessKeyId }],
          StartTime: page.start,
          EndTime: page.end,
          MaxResults: page.size,
          ...(page.token ? { NextToken: page.token } : {}),
        }),
      );
      limiter.updateClientSendingRate({});
      return answer;
    } catch (caught) {
      if (!isThrottle(caught)) {
        limiter.updateClientSendingRate({ errorType: 'CLIENT_ERROR' });
        throw caught;
      }
      limiter.updateClientSendingRate({ errorType: 'THROTTLING' });
      if (attempt >= THROTTLE_ATTEMPTS) {
        throw new KeyReadStop(
          'throttled',
          `CloudTrail LookupEvents for key ${key.accessKeyId} of user ${key.userName} in ${region} was throttled ${attempt} times; the key is summarised from what was read and the next run reads it again`,
        );
      }
      await time.sleep(BACKOFF_BASE_MS * 2 ** (attempt - 1));
    }
  }
}
