import type { AuditError } from '../model.js';

/** What undo did with one key a run had deactivated. */
export interface UndoAction {
  userName: string;
  accessKeyId: string;
  /** The deactivation tag's value as found (`<YYYY-MM-DD> <rule> <runId>`). */
  deactivation: string;
  status: 'reactivated' | 'skipped' | 'failed';
  /** Why it was skipped or failed, or a note on a reactivation (e.g. the tag could not be removed). */
  reason: string | null;
  error: { code: string; message: string } | null;
}

export interface UndoSummary {
  /** Keys whose deactivation tag names the undone run. */
  found: number;
  reactivated: number;
  skipped: number;
  failed: number;
  errors: number;
}

/**
 * The report of an undo (`{ "undo": "<runId>" }`): not an audit, so it has its own small shape
 * (`kind: "undo"`) rather than an AuditReport with empty findings that every renderer and the SNS
 * Subject would have to explain away.
 */
export interface UndoReport {
  schemaVersion: 1;
  kind: 'undo';
  /** This undo's own run id. */
  runId: string;
  /** The run whose deactivations were reversed. */
  undoneRunId: string;
  accountId: string;
  startedAt: string;
  finishedAt: string;
  /**
   * False when a key of the run may have been missed or left undone: some users' tags could not be
   * read (see `errors`), or the time budget ran out (see `notReached`, and the keys skipped for it).
   */
  complete: boolean;
  /** Users whose tags were not read because the time budget ran out; run the undo again. */
  notReached: string[];
  /**
   * Null when the undone run's archived report confirmed each key it reactivated; otherwise why the
   * undo had only the user tags to go on (no report bucket, or the archive could not be read).
   */
  tagsOnly: string | null;
  /**
   * True when the undo was asked to trust the user tags (`trustTags`) and `tagsOnly` says why it had
   * to; false when it had the archive, or reactivated nothing for want of it.
   */
  tagsTrusted: boolean;
  summary: UndoSummary;
  actions: UndoAction[];
  errors: AuditError[];
}
