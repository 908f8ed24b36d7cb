import type { AuditError, UserRecord } from '../model.js';

/** What a collector hands to the rules. */
export interface InventoryResult {
  users: UserRecord[];
  errors: AuditError[];
  /** Users listed but not audited (time budget). */
  notReached: string[];
  /** False when the listing failed or the time budget cut the run short. */
  complete: boolean;
}
