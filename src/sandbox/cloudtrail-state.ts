import type { FixtureAccount } from './fixture.js';
import { stableUuid } from './random.js';

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

/** The fixture's events, oldest first, each with a stable event id. */
export function trailEvents(events: FixtureAccount['cloudTrailEvents']): TrailEvent[] {
  return events
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
