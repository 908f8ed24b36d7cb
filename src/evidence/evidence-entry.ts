/** A key's evidence as the report carries it: the summary, dates as ISO strings, and its profile. Pure. */
import type { KeyEvidenceEntry } from '../model.js';
import { classifyUsage } from './classify-usage.js';
import type { KeyEvidence } from './read-evidence.js';

export function evidenceEntry(evidence: KeyEvidence): KeyEvidenceEntry {
  const { summary } = evidence;
  const { profile, reasons } = classifyUsage(summary);
  return {
    userName: evidence.userName,
    accessKeyId: evidence.accessKeyId,
    keyCreateDate: evidence.keyCreateDate === null ? null : new Date(evidence.keyCreateDate).toISOString(),
    profile,
    reasons: reasonsOf(evidence, reasons),
    regionsRead: evidence.regions,
    events: summary.events,
    firstSeen: summary.firstSeen?.toISOString() ?? null,
    lastSeen: summary.lastSeen?.toISOString() ?? null,
    distinctSources: summary.distinctSources,
    sources: summary.sources,
    agents: summary.agents,
    runtimes: summary.runtimes,
    services: summary.services,
    topEvents: summary.topEvents,
    regions: summary.regions,
    gap: evidence.gap,
    error: evidence.error,
  };
}

/** Nothing read says so instead of a profile's reasons; a read cut short adds why. */
function reasonsOf(evidence: KeyEvidence, reasons: string[]): string[] {
  if (evidence.gap === null) return reasons;
  if (evidence.summary.events === 0) return [`not read from CloudTrail (${evidence.gap})`];
  return [...reasons, `read in part (${evidence.gap})`];
}
