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
    profile,
    reasons: evidence.gap === null ? reasons : [...reasons, `read in part (${evidence.gap})`],
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
