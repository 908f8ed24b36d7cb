/**
 * The organization report: one entry per account of the run (audited, failed or skipped), the
 * findings about the organization itself (an account not covered, the organization cap), and totals.
 * Described once by zod, as the account report is, so the summary step that reads outcomes back
 * from S3 (the Distributed Map's results) checks exactly the shape the per-account step wrote.
 */
import * as z from 'zod';
import { reportArchiveSchema, Severity, summarySchema } from '../model.js';

const count = z.number().int().nonnegative();
const severitySchema = z.enum(Severity);

/** An account as listed: from Organizations, or from the `accounts` setting (no name known then). */
export const organizationAccountSchema = z.strictObject({
  accountId: z.string().regex(/^\d{12}$/),
  name: z.string(),
  /**
   * Organizations' `State` (`Status` where an older implementation lists only that); null when
   * neither was listed; `ACTIVE` for an account named in the `accounts` setting.
   */
  status: z.string().nullable(),
});
export type OrganizationAccount = z.infer<typeof organizationAccountSchema>;

/** One owner's keys with a finding in one account (or, in the organization's view, across accounts). */
const ownerKeysSchema = z.strictObject({
  /** The owner's addresses, or `the security team` for the unowned keys. */
  owner: z.string(),
  unowned: z.boolean(),
  keys: count,
  /** Keys sent a stage tonight (notice, final reminder, action notice). */
  noticedTonight: count,
  /** Keys kept by their owner's answer (a snooze). */
  snoozed: count,
});

/** An account's owners, from its report (src/report/owners-summary.ts). */
export const accountOwnersSchema = z.strictObject({
  byOwner: z.array(ownerKeysSchema),
  noticedTonight: count,
  snoozed: count,
  unowned: count,
});
export type AccountOwners = z.infer<typeof accountOwnersSchema>;

/** What one account's audit came to. */
export const accountOutcomeSchema = z.strictObject({
  accountId: z.string().regex(/^\d{12}$/),
  name: z.string(),
  status: z.enum(['audited', 'failed', 'skipped']),
  /** Why it failed or was skipped, or what limited it (the organization cap); null otherwise. */
  reason: z.string().nullable(),
  /** The account audit's own run id (its report and deactivation tags carry it). */
  runId: z.string().nullable(),
  mode: z.enum(['report', 'enforce']).nullable(),
  summary: summarySchema.nullable(),
  complete: z.boolean().nullable(),
  /** Keys this account's audit deactivated. */
  keysDeactivated: count,
  archive: reportArchiveSchema.nullable(),
  /** The account's own report message, when `notifyAccounts` is on. */
  messageId: z.string().nullable(),
  /** Who answers for the account's keys with a finding; absent when owners were not resolved. */
  owners: accountOwnersSchema.optional(),
});
export type AccountOutcome = z.infer<typeof accountOutcomeSchema>;

/** An account whose audit left no outcome (a failed child, a stopped thread): failed, with why. */
export function lostAccount(account: OrganizationAccount, reason: string): AccountOutcome {
  return {
    ...account,
    status: 'failed',
    reason,
    runId: null,
    mode: null,
    summary: null,
    complete: null,
    keysDeactivated: 0,
    archive: null,
    messageId: null,
  };
}

/** Starts the reason of an account the organization cap limited. */
export const ORGANIZATION_CAP_REASON = 'organization cap';

export const ORGANIZATION_FINDING_IDS = ['not-covered', 'organization-cap'] as const;

const organizationFindingSchema = z.strictObject({
  ruleId: z.enum(ORGANIZATION_FINDING_IDS),
  severity: severitySchema,
  /** The account concerned; null for a finding about the run. */
  accountId: z.string().nullable(),
  message: z.string(),
});
export type OrganizationFinding = z.infer<typeof organizationFindingSchema>;

export const organizationReportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  scope: z.literal('organization'),
  runId: z.string().min(1),
  /** Where the auditor runs (audited with its own credentials). */
  orchestratorAccountId: z.string(),
  mode: z.enum(['report', 'enforce']),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  /** Worst first: most critical findings, then most findings, then account id. */
  accounts: z.array(accountOutcomeSchema),
  findings: z.array(organizationFindingSchema),
  totals: z.strictObject({
    accounts: count,
    audited: count,
    failed: count,
    skipped: count,
    findings: count,
    findingsBySeverity: z.record(severitySchema, count),
    findingsByRule: z.record(z.string(), count),
    highestSeverity: z.union([severitySchema, z.literal('none')]),
    keysDeactivated: count,
    actionsFailed: count,
  }),
  /** The organization cap: the most keys the run may deactivate across accounts. */
  cap: z.strictObject({ limit: count, keysDeactivated: count, reached: z.boolean() }),
  /** The Owners view: each owner's keys across the accounts, most first; absent when no account had owners. */
  owners: z
    .strictObject({
      byOwner: z.array(ownerKeysSchema.extend({ accounts: z.array(z.string()) })),
      noticedTonight: count,
      snoozed: count,
      unowned: count,
    })
    .optional(),
  archive: reportArchiveSchema.optional(),
});
export type OrganizationReport = z.infer<typeof organizationReportSchema>;
