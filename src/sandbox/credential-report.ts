import type { CredentialReport, SandboxAccount } from './iam-state.js';

/** The 22 columns of the IAM credential report, in the documented order. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

/** AWS writes report dates with an explicit offset: `2017-06-10T02:35:07+00:00`. */
export function reportDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

interface SlotKey {
  active: boolean;
  createDate: Date;
  lastUsed: { date: Date; service: string; region: string } | null;
}

function slot(key: SlotKey | undefined): string[] {
  if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
  const used = key.lastUsed;
  return [
    key.active ? 'true' : 'false',
    reportDate(key.createDate),
    used ? reportDate(used.date) : 'N/A',
    used ? used.region : 'N/A',
    used ? used.service : 'N/A',
  ];
}

// The fields the sandbox writes are IAM names, ARNs, dates and service/region names: none can hold
// a comma or quote, but quote defensively so a strange fixture cannot shift columns.
function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The credential report CSV of an account, formatted as IAM formats it (docs/sandbox.md). The
 * sandbox keeps no passwords, MFA devices or signing certificates, so those columns say so.
 */
export function buildCredentialReportCsv(account: SandboxAccount): string {
  const lines: string[] = [CREDENTIAL_REPORT_COLUMNS.join(',')];
  const [root1, root2] = account.rootKeys.map((k) => ({
    active: k.active,
    createDate: k.createDate,
    lastUsed: k.lastUsed,
  }));
  lines.push(
    [
      '<root_account>',
      `arn:aws:iam::${account.id}:root`,
      reportDate(account.createDate),
      'not_supported',
      'no_information',
      'not_supported',
      'not_supported',
      'false',
      ...slot(root1),
      ...slot(root2),
      'false',
      'N/A',
      'false',
      'N/A',
    ].join(','),
  );
  for (const user of account.userList) {
    const [key1, key2] = user.keys.map((k) => ({
      active: k.status === 'Active',
      createDate: k.createDate,
      lastUsed: k.lastUsed,
    }));
    lines.push(
      [
        csvField(user.name),
        csvField(user.arn),
        reportDate(user.createDate),
        'false',
        'N/A',
        'N/A',
        'N/A',
        'false',
        ...slot(key1).map(csvField),
        ...slot(key2).map(csvField),
        'false',
        'N/A',
        'false',
        'N/A',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A new report generation: the CSV snapshot taken now, COMPLETE after `delayMs` of real time (a
 * person at the CLI waits) or of sandbox clock (a test advances it), whichever passes first.
 */
export function generateCredentialReport(
  account: SandboxAccount,
  now: Date,
  delayMs: number,
): CredentialReport {
  return {
    generatedTime: now,
    readyAt: Date.now() + delayMs,
    readyOnClock: now.getTime() + delayMs,
    content: Buffer.from(buildCredentialReportCsv(account), 'utf8').toString('base64'),
  };
}
