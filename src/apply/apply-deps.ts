import type { IAMClient } from '@aws-sdk/client-iam';
import type { ArchivedRun } from '../archive/read-archive.js';
import type { OnProgress } from '../progress.js';

export interface ApplyDeps {
  iam: Pick<IAMClient, 'send'>;
  /** The evaluation time: live confirmation measures "days since last use" against it. */
  now: Date;
  /** A key used fewer than this many days before `now` is not deactivated. */
  unusedKeyDays: number;
  /**
   * The run applying the actions; recorded in the deactivation tag so `{ "undo": runId }` finds
   * the keys. Without it (only direct callers such as tests) the tag has the older two-part value.
   */
  runId?: string;
  /** CLEANUP_DAYS: a deletion needs the key deactivated by key-hygiene this many days ago. */
  deleteAfterDays?: number;
  /** Asked before each action; true once the time budget is spent. */
  shouldStop?: () => boolean;
  /**
   * The archived report of a run (see `readArchivedRun`). A deletion needs the deactivating run's
   * archive to list the key as deactivated; without an archive nothing is deleted.
   */
  archivedRun?: (runId: string) => Promise<ArchivedRun>;
  /** Told after each planned action (phase `applying`), done or not. */
  onProgress?: OnProgress;
}
