import { describeAwsError } from '../aws/errors.js';
import { teamOf } from '../evaluate/tags.js';
import type { AuditError, KeyRecord, UserRecord } from '../model.js';
import {
  CredentialReportUnavailableError,
  type FetchedReport,
  type FetchReportDeps,
  fetchCredentialReport,
} from './credential-report-fetch.js';
import {
  CredentialReportFormatError,
  type ParsedCredentialReport,
  parseCredentialReport,
  type ReportKey,
  type ReportRow,
} from './credential-report-parse.js';
import { ROOT_USER_NAME } from './live-collector.js';
import { resolveUsers } from './resolve-keys.js';
import type { InventoryResult } from './types.js';
import { pageUserDetails, type UserDetail } from './user-details.js';

export interface ReportCollectorDeps extends FetchReportDeps {
  /** Parallel users when a user created after the report is read live. */
  concurrency: number;
}

export interface ReportCollectRequest {
  /** Used for the root record's ARN when the report has none. */
  accountId?: string;
  /** Audit only these users; the others in the report are ignored. */
  userNames?: readonly string[];
}

export interface ReportInventory extends InventoryResult {
  /** The report's GeneratedTime. */
  generatedAt: Date;
  /** Things the reader should know about the report (age, refused generation, missing root row). */
  warnings: string[];
}

/**
 * The credential-report path: one report for the whole account (GenerateCredentialReport, polled,
 * then GetCredentialReport) plus GetAccountAuthorizationDetails (Filter=User, 1000 users a page)
 * for every user's path and tags, which exemptions need. About 0.001 IAM calls per key, against
 * two per key on the live path.
 *
 * Report keys have no id (`accessKeyId: null`, `slot: 1 | 2`): nothing can be done to them until
 * they are resolved live (see `resolveUsers`). The root user's keys come from the report's
 * `<root_account>` row. A user created after the report is read live.
 *
 * @throws CredentialReportUnavailableError when the report cannot be had or read, or the users'
 * tags cannot be listed; the message says why, and the audit falls back to the live API.
 * @example
 * const inventory = await collectFromCredentialReport({ iam, clock, maxAgeMs, maxWaitMs, concurrency: 8 }, { accountId });
 */
export async function collectFromCredentialReport(
  deps: ReportCollectorDeps,
  request: ReportCollectRequest,
): Promise<ReportInventory> {
  const { parsed, ...fetched } = await fetchAndParse(deps);
  const details = await readUserDetails(deps, parsed.users.length);
  const wanted = request.userNames ? new Set(request.userNames.map((name) => name.toLowerCase())) : null;
  const isWanted = (name: string) => wanted === null || wanted.has(name.toLowerCase());

  const warnings = [...fetched.warnings];
  const errors: AuditError[] = [];
  const users: UserRecord[] = [];
  const inReport = new Set<string>();
  for (const row of parsed.users) {
    inReport.add(row.userName);
    const detail = details.get(row.userName);
    // Not in the listing: deleted since the report was made, so there is nothing left to audit.
    if (!detail || !isWanted(row.userName)) continue;
    users.push(userRecord(row, detail));
  }

  // Created after the report: read these few live rather than leave them out.
  const newer: UserRecord[] = [];
  for (const [userName, detail] of details) {
    if (!inReport.has(userName) && isWanted(userName)) {
      newer.push({ ...detail, team: teamOf(detail.tags), isRoot: false, keys: [] });
    }
  }
  const live = await resolveUsers(
    {
      iam: deps.iam,
      concurrency: deps.concurrency,
      ...(deps.shouldStop ? { shouldStop: deps.shouldStop } : {}),
    },
    newer,
  );
  users.push(...live.users.filter((user) => !live.notReached.includes(user.userName)));
  errors.push(...live.errors);

  if (request.userNames) {
    const found = new Set(users.map((user) => user.userName.toLowerCase()));
    for (const userName of request.userNames) {
      if (!found.has(userName.toLowerCase()) && !live.notReached.includes(userName)) {
        errors.push({
          userName,
          accessKeyId: null,
          operation: 'GetAccountAuthorizationDetails',
          code: 'NoSuchEntity',
          message: `No IAM user named ${userName} in this account; check the name in the event's users list.`,
        });
      }
    }
  } else if (parsed.root) {
    users.push(rootRecord(parsed.root, request.accountId));
  } else {
    warnings.push(
      `the credential report has no ${ROOT_USER_NAME} row, so the root user's access keys were not checked`,
    );
    errors.push({
      userName: ROOT_USER_NAME,
      accessKeyId: null,
      operation: 'GetCredentialReport',
      code: 'RootRowMissing',
      message: `The credential report has no ${ROOT_USER_NAME} row; check the root user's access keys in the IAM console.`,
    });
  }

  users.sort((a, b) => (a.userName < b.userName ? -1 : a.userName > b.userName ? 1 : 0));
  return {
    users,
    errors,
    notReached: live.notReached,
    complete: live.notReached.length === 0,
    generatedAt: fetched.generatedAt,
    warnings,
  };
}

/**
 * The report's CSV text lives only in here: once parsed it is garbage, so a 50,000-user account
 * does not hold the raw report and its rows (and then the user records) all at once.
 */
async function fetchAndParse(
  deps: ReportCollectorDeps,
): Promise<Omit<FetchedReport, 'csv'> & { parsed: ParsedCredentialReport }> {
  const { csv, ...fetched } = await fetchCredentialReport(deps);
  try {
    return { ...fetched, parsed: parseCredentialReport(csv) };
  } catch (error) {
    if (!(error instanceof CredentialReportFormatError)) throw error;
    throw new CredentialReportUnavailableError(`the credential report cannot be used: ${error.message}`, {
      cause: error,
    });
  }
}

/**
 * The per-user details the report lacks (path, tags), by user name; progress counts them against
 * the report's users (users created since may take the count past it).
 */
async function readUserDetails(
  deps: Pick<ReportCollectorDeps, 'iam' | 'onProgress'>,
  reportUsers: number,
): Promise<Map<string, UserDetail>> {
  const details = new Map<string, UserDetail>();
  deps.onProgress?.({ phase: 'users', done: 0, total: reportUsers });
  try {
    for await (const page of pageUserDetails(deps.iam)) {
      for (const user of page) details.set(user.userName, user);
      deps.onProgress?.({
        phase: 'users',
        done: details.size,
        total: Math.max(reportUsers, details.size),
      });
    }
  } catch (error) {
    const { code, message } = describeAwsError(error);
    throw new CredentialReportUnavailableError(
      `GetAccountAuthorizationDetails failed (${code}: ${message}); without every user's tags the exemptions are unknown`,
      { cause: error },
    );
  }
  return details;
}

function keyRecord(key: ReportKey): KeyRecord {
  return {
    accessKeyId: null,
    slot: key.slot,
    status: key.active ? 'Active' : 'Inactive',
    createDate: key.createDate,
    lastUsed: key.lastUsed,
  };
}

function userRecord(row: ReportRow, detail: UserDetail): UserRecord {
  return {
    userName: row.userName,
    arn: detail.arn || row.arn,
    path: detail.path,
    createDate: detail.createDate ?? row.createDate,
    tags: detail.tags,
    team: teamOf(detail.tags),
    managedPolicies: detail.managedPolicies,
    policies: detail.policies,
    isRoot: false,
    keys: row.keys.map(keyRecord),
  };
}

function rootRecord(row: ReportRow, accountId: string | undefined): UserRecord {
  return {
    userName: ROOT_USER_NAME,
    arn: row.arn || (accountId ? `arn:aws:iam::${accountId}:root` : ''),
    path: '/',
    createDate: row.createDate,
    tags: {},
    team: null,
    isRoot: true,
    keys: row.keys.map(keyRecord),
  };
}
