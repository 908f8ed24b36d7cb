/**
 * Which keys get their usage read: each key with a finding that was used within the window read
 * (a key not used since has no events to find), once however many findings it has. Pure. On the
 * credential-report path a key may be known by its slot only: it is named by its creation date,
 * and its id is looked up before reading (key-ids.ts).
 */
import type { Finding } from '../model.js';

export interface EvidenceCandidate {
  userName: string;
  /** Null for a key the credential report names by slot only. */
  accessKeyId: string | null;
  /** The key's creation date (ISO), which finds its id when the id is not known. */
  keyCreateDate: string | null;
  lastUsedRegion: string | null;
}

export function evidenceCandidates(findings: readonly Finding[], days: number): EvidenceCandidate[] {
  const candidates = new Map<string, EvidenceCandidate>();
  for (const finding of findings) {
    if (finding.userName === null) continue;
    if (typeof finding.daysSinceLastUse !== 'number' || finding.daysSinceLastUse > days) continue;
    if (finding.accessKeyId === null && finding.keyCreateDate === null) continue;
    const identity = finding.accessKeyId ?? `${finding.userName}@${finding.keyCreateDate}`;
    if (candidates.has(identity)) continue;
    candidates.set(identity, {
      userName: finding.userName,
      accessKeyId: finding.accessKeyId,
      keyCreateDate: finding.keyCreateDate,
      lastUsedRegion: finding.lastUsedRegion,
    });
  }
  return [...candidates.values()];
}
