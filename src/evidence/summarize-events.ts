/**
 * A key's usage in a few lines, from the CloudTrail events read for it: never the events themselves
 * (a summary is what the report keeps). Pure: events in, summary out; a missing field, an unknown
 * agent or an odd address is counted as such, never an error.
 */
import type { Event } from '@aws-sdk/client-cloudtrail';
import { isAwsSource, type SourceKind, sourceAddress } from './source-address.js';
import { type AgentKind, type AgentRuntime, agentFamily, agentRuntime } from './user-agent.js';

/** A value and how many events had it, most frequent first. */
export interface Tally {
  value: string;
  count: number;
}

export interface SourceTally extends Tally {
  kind: SourceKind;
}

export interface AgentTally extends Tally {
  kind: AgentKind;
}

export interface RuntimeTally extends Tally {
  on: AgentRuntime['on'];
}

export interface EvidenceSummary {
  /** Events summarised (each counted once, however many regions it was read in). */
  events: number;
  firstSeen: Date | null;
  lastSeen: Date | null;
  /** Distinct source addresses, AWS-internal sources and service principals named as such. */
  distinctSources: number;
  sources: SourceTally[];
  /** User-agent families (AWS CLI, SDK (Python), Terraform, ...). */
  agents: AgentTally[];
  /** Where the agents say they ran (`exec-env/`): AWS Lambda, GitHub Actions, ... */
  runtimes: RuntimeTally[];
  /** Services called (`s3`, `sts`), from the event source. */
  services: Tally[];
  /** The most frequent calls, `service:EventName`. */
  topEvents: Tally[];
  regions: Tally[];
  /** Distinct addresses on the internet (IPv4, IPv6, anything not AWS's own). */
  distinctPublicSources: number;
  /** Events per usage signal, for the classifier: each event counts in each signal it shows. */
  signals: UsageSignals;
}

export interface UsageSignals {
  /** An infrastructure tool's agent (Terraform, CloudFormation, ...) or a CI runtime (GitHub Actions). */
  pipeline: number;
  /** From AWS's own network or an AWS service, or an agent running on Lambda or ECS. */
  onAws: number;
  /** An SDK's agent (not the CLI, not an infrastructure tool). */
  sdk: number;
  /** The AWS CLI or the console. */
  interactive: number;
}

/** Lists longer than this keep their most frequent entries; `distinctSources` keeps the true count. */
export const SUMMARY_LIST_LIMIT = 10;
const TOP_EVENTS = 5;

interface Record {
  sourceIPAddress?: unknown;
  userAgent?: unknown;
  awsRegion?: unknown;
  eventTime?: unknown;
  eventSource?: unknown;
  eventName?: unknown;
}

/** The full record is a JSON string; a missing or broken one is an empty record. */
function recordOf(event: Event): Record {
  try {
    const parsed: unknown = JSON.parse(event.CloudTrailEvent ?? '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record) : {};
  } catch {
    return {};
  }
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

function timeOf(event: Event, record: Record): Date | null {
  if (event.EventTime instanceof Date && !Number.isNaN(event.EventTime.getTime())) return event.EventTime;
  const parsed = Date.parse(text(record.eventTime) ?? '');
  return Number.isNaN(parsed) ? null : new Date(parsed);
}

class Counter<K extends string, Extra> {
  private readonly counts = new Map<K, { count: number; extra: Extra }>();

  add(key: K, extra: Extra): void {
    const entry = this.counts.get(key);
    if (entry) entry.count += 1;
    else this.counts.set(key, { count: 1, extra });
  }

  get size(): number {
    return this.counts.size;
  }

  top(limit: number): (Tally & { extra: Extra })[] {
    return [...this.counts]
      .map(([value, { count, extra }]) => ({ value, count, extra }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, limit);
  }
}

/** Summarises a key's events; the same event read twice (two regions) counts once. */
export function summarizeEvents(events: readonly Event[]): EvidenceSummary {
  const seen = new Set<string>();
  const sources = new Counter<string, SourceKind>();
  const agents = new Counter<string, AgentKind>();
  const runtimes = new Counter<string, AgentRuntime['on']>();
  const services = new Counter<string, null>();
  const calls = new Counter<string, null>();
  const regions = new Counter<string, null>();
  let first: Date | null = null;
  let last: Date | null = null;
  let count = 0;
  const signals: UsageSignals = { pipeline: 0, onAws: 0, sdk: 0, interactive: 0 };
  const publicSources = new Set<string>();
  for (const event of events) {
    if (event.EventId) {
      if (seen.has(event.EventId)) continue;
      seen.add(event.EventId);
    }
    count += 1;
    const record = recordOf(event);
    const at = timeOf(event, record);
    if (at && (!first || at < first)) first = at;
    if (at && (!last || at > last)) last = at;
    const source = sourceAddress(text(record.sourceIPAddress));
    sources.add(source.address, source.kind);
    const userAgent = text(record.userAgent);
    const family = agentFamily(userAgent);
    agents.add(family.family, family.kind);
    const runtime = agentRuntime(userAgent);
    if (runtime) runtimes.add(runtime.runtime, runtime.on);
    if (!isAwsSource(source.kind) && source.address !== '(none)') publicSources.add(source.address);
    if (family.kind === 'infrastructure' || runtime?.on === 'ci') signals.pipeline += 1;
    if (isAwsSource(source.kind) || runtime?.on === 'aws') signals.onAws += 1;
    if (family.kind === 'sdk') signals.sdk += 1;
    if (family.kind === 'cli' || family.kind === 'console') signals.interactive += 1;
    const service = (text(event.EventSource) ?? text(record.eventSource) ?? 'unknown').replace(
      /\.amazonaws\.com$/,
      '',
    );
    services.add(service, null);
    calls.add(`${service}:${text(event.EventName) ?? text(record.eventName) ?? 'unknown'}`, null);
    regions.add(text(record.awsRegion) ?? 'unknown', null);
  }
  const plain = ({ value, count }: Tally) => ({ value, count });
  return {
    events: count,
    firstSeen: first,
    lastSeen: last,
    distinctSources: sources.size,
    sources: sources
      .top(SUMMARY_LIST_LIMIT)
      .map(({ value, count, extra }) => ({ value, count, kind: extra })),
    agents: agents.top(SUMMARY_LIST_LIMIT).map(({ value, count, extra }) => ({ value, count, kind: extra })),
    runtimes: runtimes
      .top(SUMMARY_LIST_LIMIT)
      .map(({ value, count, extra }) => ({ value, count, on: extra })),
    services: services.top(SUMMARY_LIST_LIMIT).map(plain),
    topEvents: calls.top(TOP_EVENTS).map(plain),
    regions: regions.top(SUMMARY_LIST_LIMIT).map(plain),
    distinctPublicSources: publicSources.size,
    signals,
  };
}
