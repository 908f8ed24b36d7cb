/**
 * Which keys get their usage read: each key with a finding that was used within the window read
 * (a key not used since has no events to find), once however many findings it has. Pure.
 */
import type { Finding } from '../model.js';
import type { EvidenceKey } from './read-evidence.js';

export function evidenceSubjects(findings: readonly Finding[], days: number): EvidenceKey[] {
  const keys = new Map<string, EvidenceKey>();
  for (const finding of findings) {
    if (finding.userName === null || finding.accessKeyId === null) continue;
    if (typeof finding.daysSinceLastUse !== 'number' || finding.daysSinceLastUse > days) continue;
    if (keys.has(finding.accessKeyId)) continue;
    keys.set(finding.accessKeyId, {
      accessKeyId: finding.accessKeyId,
      userName: finding.userName,
      lastUsedRegion: finding.lastUsedRegion,
    });
  }
  return [...keys.values()];
}
