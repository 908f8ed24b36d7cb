import type { FixtureAccount } from './fixture.js';
import { createRandom, stableUuid } from './random.js';

/** One CloudTrail management event, as LookupEvents describes it. */
export interface TrailEvent {
  eventId: string;
  eventTime: Date;
  eventName: string;
  eventSource: string;
  accessKeyId: string;
  userName: string | null;
  assumedRole: { roleName: string; sessionName: string } | null;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  sourceIPAddress: string;
  awsRegion: string;
  userAgent: string;
  readOnly: boolean;
  resources: { type: string; name: string }[];
}

type FixtureEvent = FixtureAccount['cloudTrailEvents'][number];
type FixtureHistory = FixtureAccount['cloudTrailHistories'][number];

/**
 * A key's generated history: `events` calls spread over `[from, to]`, the last exactly at `to` (so
 * it can match the key's last-used date), seeded by the key id so a fixture always gives the same
 * events.
 */
export function historyEvents(history: FixtureHistory): FixtureEvent[] {
  const rng = createRandom(`trail/${history.accessKeyId}`);
  const from = Date.parse(history.from);
  const to = Date.parse(history.to);
  const span = Math.max(0, to - from);
  const events: FixtureEvent[] = [];
  for (let i = 0; i < history.events; i++) {
    // Whole minutes, as people and schedules make calls; the last call is the key's last use.
    const at = i === history.events - 1 ? to : from + Math.floor((rng.next() * span) / 60_000) * 60_000;
    const call = rng.pick(history.calls);
    events.push({
      eventTime: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventName: call.eventName,
      eventSource: call.eventSource,
      accessKeyId: history.accessKeyId,
      requestParameters: null,
      responseElements: null,
      ...(history.userName ? { userName: history.userName } : {}),
      sourceIPAddress: rng.pick(history.sourceIPs),
      awsRegion: rng.pick(history.regions),
      userAgent: rng.pick(history.userAgents),
      readOnly: call.readOnly,
      resources: [],
    });
  }
  return events;
}

/** The fixture's events and generated histories, oldest first, each with a stable event id. */
export function trailEvents(
  events: FixtureAccount['cloudTrailEvents'],
  histories: FixtureAccount['cloudTrailHistories'] = [],
): TrailEvent[] {
  return [...events, ...histories.flatMap(historyEvents)]
    .map((event, index) => ({
      eventId: stableUuid(event.eventTime, event.eventName, event.accessKeyId, String(index)),
      eventTime: new Date(event.eventTime),
      eventName: event.eventName,
      eventSource: event.eventSource,
      accessKeyId: event.accessKeyId,
      userName: event.userName ?? null,
      assumedRole: event.assumedRole ?? null,
      requestParameters: event.requestParameters,
      responseElements: event.responseElements,
      sourceIPAddress: event.sourceIPAddress,
      awsRegion: event.awsRegion,
      userAgent: event.userAgent,
      readOnly: event.readOnly,
      resources: event.resources,
    }))
    .sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
}
