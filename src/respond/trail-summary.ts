/**
 * What an exposed key did lately, from CloudTrail: the first question of an incident. LookupEvents
 * answers management events of this region for 90 days, 50 a page, at 2 calls a second per account;
 * the summary reads at most `maxPages` pages (the most recent events first).
 */
import { type CloudTrailClient, type Event, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';

/**
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const TRAIL_SUMMARY_PERMISSIONS = [
  {
    action: 'cloudtrail:LookupEvents',
    resource: '*',
    why: "summarises the exposed key's last 24 hours of API calls for the alert (takes no resource)",
  },
] as const satisfies readonly PermissionDeclaration[];

/** A value and how often it occurred. */
export interface Tally {
  value: string;
  count: number;
}

export interface TrailSummary {
  /** The window summarised. */
  from: Date;
  to: Date;
  events: number;
  /** True when more events existed than were read (`maxPages`). */
  truncated: boolean;
  topActions: Tally[];
  eventSources: Tally[];
  sourceIps: Tally[];
  /** Set when CloudTrail could not be read; the lists are then empty. */
  error: string | null;
}

const DAY_MS = 86_400_000;

function tally(values: readonly string[], top: number): Tally[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, top);
}

/** The source IP address is only in the full CloudTrail record (a JSON string). */
function sourceIp(event: Event): string {
  try {
    const record = JSON.parse(event.CloudTrailEvent ?? '{}') as { sourceIPAddress?: unknown };
    return typeof record.sourceIPAddress === 'string' ? record.sourceIPAddress : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The key's API calls over the 24 hours before `now`: how many, the top actions (`ec2:RunInstances`),
 * event sources and source IP addresses. A CloudTrail error is part of the summary, never a failure
 * of the response: the key is already dealt with by then.
 */
export async function summarizeKeyActivity(
  cloudtrail: Pick<CloudTrailClient, 'send'>,
  accessKeyId: string,
  now: Date,
  { maxPages = 10, top = 5 }: { maxPages?: number; top?: number } = {},
): Promise<TrailSummary> {
  const from = new Date(now.getTime() - DAY_MS);
  const events: Event[] = [];
  let truncated = false;
  let error: string | null = null;
  try {
    let pages = 0;
    for await (const page of paginateLookupEvents(
      { client: cloudtrail as CloudTrailClient, pageSize: 50 },
      {
        LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: accessKeyId }],
        StartTime: from,
        EndTime: now,
      },
    )) {
      events.push(...(page.Events ?? []));
      pages++;
      if (pages >= maxPages) {
        truncated = page.NextToken !== undefined;
        break;
      }
    }
  } catch (caught) {
    const described = describeAwsError(caught);
    error = `${described.code}: ${described.message}`;
  }
  const service = (event: Event) => (event.EventSource ?? 'unknown').replace(/\.amazonaws\.com$/, '');
  return {
    from,
    to: now,
    events: events.length,
    truncated,
    topActions: tally(
      events.map((event) => `${service(event)}:${event.EventName ?? 'unknown'}`),
      top,
    ),
    eventSources: tally(
      events.map((event) => event.EventSource ?? 'unknown'),
      top,
    ),
    sourceIps: tally(events.map(sourceIp), top),
    error,
  };
}
