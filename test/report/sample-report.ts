/**
 * A realistic audit of one account, used by the report and notify tests: findings of every rule
 * and severity, actions in every status, exemptions of every kind, errors, and variants (report
 * mode, incomplete, blast-radius cap tripped, hostile strings, very large).
 */
import { teamOf } from '../../src/evaluate/tags.js';
import type {
  AuditError,
  AuditReport,
  ExemptEntry,
  Finding,
  KeyFinding,
  KeyRecord,
  PlannedAction,
  RuleId,
  SafeguardId,
  Severity,
  UserRecord,
} from '../../src/model.js';
import { buildReport, type ReportInput } from '../../src/report/build-report.js';

export const ACCOUNT_ID = '111111111111';
export const AS_OF = new Date('2026-11-20T03:00:00.000Z');
const DAY = 86_400_000;

const daysAgo = (days: number) => new Date(AS_OF.getTime() - days * DAY);
const arn = (userName: string) =>
  userName === '<root_account>'
    ? `arn:aws:iam::${ACCOUNT_ID}:root`
    : `arn:aws:iam::${ACCOUNT_ID}:user/${userName}`;

function key(
  id: string,
  ageDays: number,
  lastUsedDaysAgo: number | null,
  status: KeyRecord['status'] = 'Active',
) {
  return {
    accessKeyId: id,
    slot: null,
    status,
    createDate: daysAgo(ageDays),
    lastUsed:
      lastUsedDaysAgo === null
        ? null
        : { date: daysAgo(lastUsedDaysAgo), service: 's3', region: 'eu-west-1' },
  } satisfies KeyRecord;
}

function user(userName: string, keys: KeyRecord[], tags: Record<string, string> = {}): UserRecord {
  return {
    userName,
    arn: arn(userName),
    path: userName.startsWith('svc-') ? '/service/' : '/',
    createDate: daysAgo(900),
    tags,
    team: teamOf(tags),
    isRoot: userName === '<root_account>',
    keys,
  };
}

export const USERS: readonly UserRecord[] = [
  user('<root_account>', [key('AKIAROOTKEY000000001', 1300, 3)]),
  user('alice', [key('AKIAALICE00000000001', 400, 120)]),
  user('bob', [key('AKIABOB0000000000001', 200, 95)]),
  user('carol-ci', [key('AKIACAROL00000000001', 150, 140)]),
  user('dave', [key('AKIADAVE000000000001', 300, 100)]),
  user('erin', [key('AKIAERIN000000000001', 30, null)]),
  user('frank', [key('AKIAFRANK00000000001', 400, 1), key('AKIAFRANK00000000002', 20, 2)]),
  user('gina', [key('AKIAGINA000000000001', 85, 80)]),
  user('hank', [key('AKIAHANK000000000001', 78, 78)]),
  user('ivan', [key('AKIAIVAN000000000001', 500, 400, 'Inactive')]),
  user('judy', [key('AKIAJUDY000000000001', 700, 200)], {
    'key-hygiene:exempt': '2027-01-31',
    'key-hygiene:exempt-reason': 'Payroll vendor integration; moving to IAM Roles Anywhere in Q1.',
  }),
  user('svc-legacy-ftp', [key('AKIASVCFTP0000000001', 1000, 365)]),
  user('breakglass-admin', [key('AKIABREAK00000000001', 60, null)]),
  { ...user('emergency-admin', [key('AKIAEMERG00000000001', 30, null)]), path: '/break-glass/' },
  user('kate', [key('AKIAKATE000000000001', 100, 10)]),
  user('leo', []),
];

interface FindingSpec {
  ruleId: RuleId | SafeguardId;
  severity: Severity;
  userName: string | null;
  accessKeyId: string | null;
  ageDays?: number | null;
  lastUse?: number | 'never' | null;
  service?: string | null;
  region?: string | null;
  keyStatus?: KeyFinding['keyStatus'];
  controls: string[];
  message: string;
  action: Finding['action'];
}

export function finding(spec: FindingSpec): Finding {
  const age = spec.ageDays ?? null;
  const lastUse = spec.lastUse ?? null;
  const used = typeof lastUse === 'number';
  if (spec.userName === null) {
    return {
      ruleId: spec.ruleId,
      severity: spec.severity,
      userName: null,
      controls: spec.controls,
      message: spec.message,
      action: spec.action,
    };
  }
  // One literal, not a spread plus fields: V8 keeps such objects fast, and the large reports built
  // from them are serialized many times by the SNS size fitting.
  return {
    ruleId: spec.ruleId,
    severity: spec.severity,
    userName: spec.userName,
    userArn: arn(spec.userName),
    accessKeyId: spec.accessKeyId,
    slot: null,
    keyStatus: spec.keyStatus ?? 'Active',
    keyCreateDate: age === null ? null : daysAgo(age).toISOString(),
    keyAgeDays: age,
    daysSinceLastUse: lastUse,
    lastUsedService: used ? (spec.service ?? 's3') : lastUse === 'never' ? 'N/A' : null,
    lastUsedRegion: used ? (spec.region ?? 'eu-west-1') : lastUse === 'never' ? 'N/A' : null,
    controls: spec.controls,
    message: spec.message,
    action: spec.action,
  };
}

const UNUSED = ['CIS 1.12', 'Security Hub IAM.8', 'Security Hub IAM.22'];
const ROTATION = ['CIS 1.14', 'Security Hub IAM.3'];

// Deliberately not in severity order: buildReport sorts.
export const FINDINGS: Finding[] = [
  finding({
    ruleId: 'two-active-keys',
    severity: 'low',
    userName: 'frank',
    accessKeyId: 'AKIAFRANK00000000002',
    ageDays: 20,
    lastUse: 2,
    controls: ['CIS 1.13'],
    message: 'frank has two active access keys; finish the rotation by deactivating the older key.',
    action: 'notify',
  }),
  finding({
    ruleId: 'unused-key',
    severity: 'high',
    userName: 'alice',
    accessKeyId: 'AKIAALICE00000000001',
    ageDays: 400,
    lastUse: 120,
    controls: UNUSED,
    message: 'Key unused for 120 days (limit 90); it was deactivated. Delete it if nobody asks for it back.',
    action: 'deactivate',
  }),
  finding({
    ruleId: 'root-access-key',
    severity: 'critical',
    userName: '<root_account>',
    accessKeyId: 'AKIAROOTKEY000000001',
    ageDays: 1300,
    lastUse: 3,
    service: 'iam',
    region: 'us-east-1',
    controls: ['CIS 1.4', 'Security Hub IAM.4'],
    message:
      'The root user has an active access key. Sign in as root, delete the key, and use an IAM role for automation.',
    action: 'notify',
  }),
  finding({
    ruleId: 'unused-key',
    severity: 'high',
    userName: 'bob',
    accessKeyId: 'AKIABOB0000000000001',
    ageDays: 200,
    lastUse: 95,
    controls: UNUSED,
    message: 'Key unused for 95 days (limit 90); deactivation failed, so deactivate it by hand.',
    action: 'deactivate',
  }),
  finding({
    ruleId: 'unused-key',
    severity: 'high',
    userName: 'carol-ci',
    accessKeyId: 'AKIACAROL00000000001',
    ageDays: 150,
    lastUse: 140,
    service: 'codecommit',
    region: 'us-west-2',
    controls: UNUSED,
    message: 'Key unused for 140 days (limit 90); it was deactivated.',
    action: 'deactivate',
  }),
  finding({
    ruleId: 'unused-key',
    severity: 'high',
    userName: 'dave',
    accessKeyId: 'AKIADAVE000000000001',
    ageDays: 300,
    lastUse: 100,
    controls: UNUSED,
    message: 'Key unused for 100 days (limit 90) by the inventory, but used since; check who uses it.',
    action: 'deactivate',
  }),
  finding({
    ruleId: 'never-used-key',
    severity: 'medium',
    userName: 'erin',
    accessKeyId: 'AKIAERIN000000000001',
    ageDays: 30,
    lastUse: 'never',
    controls: ['CIS 1.12', 'Security Hub IAM.22'],
    message: 'Key created 30 days ago and never used; delete it, it will be deactivated at 90 days.',
    action: 'notify',
  }),
  finding({
    ruleId: 'never-used-key',
    severity: 'medium',
    userName: 'breakglass-admin',
    accessKeyId: 'AKIABREAK00000000001',
    ageDays: 60,
    lastUse: 'never',
    controls: ['CIS 1.12', 'Security Hub IAM.22'],
    message: 'Key created 60 days ago and never used; delete it, it will be deactivated at 90 days.',
    action: 'notify',
  }),
  finding({
    ruleId: 'rotation-overdue',
    severity: 'medium',
    userName: 'frank',
    accessKeyId: 'AKIAFRANK00000000001',
    ageDays: 400,
    lastUse: 1,
    service: 'sts',
    region: 'eu-central-1',
    controls: ROTATION,
    message: 'Key is 400 days old (limit 90); rotate it: create a new key, switch over, deactivate this one.',
    action: 'notify',
  }),
  finding({
    ruleId: 'rotation-overdue',
    severity: 'medium',
    userName: 'alice',
    accessKeyId: 'AKIAALICE00000000001',
    ageDays: 400,
    lastUse: 120,
    controls: ROTATION,
    message: 'Key is 400 days old (limit 90); rotate it.',
    action: 'notify',
  }),
  finding({
    ruleId: 'unused-key',
    severity: 'low',
    userName: 'gina',
    accessKeyId: 'AKIAGINA000000000001',
    ageDays: 85,
    lastUse: 80,
    controls: UNUSED,
    message: 'Key unused for 80 days; it will be deactivated in 10 days unless it is used.',
    action: 'notify',
  }),
  finding({
    ruleId: 'unused-key',
    severity: 'low',
    userName: 'hank',
    accessKeyId: 'AKIAHANK000000000001',
    ageDays: 78,
    lastUse: 78,
    controls: UNUSED,
    message: 'Key unused for 78 days; it will be deactivated in 12 days unless it is used.',
    action: 'notify',
  }),
  finding({
    ruleId: 'inactive-key-cleanup',
    severity: 'info',
    userName: 'ivan',
    accessKeyId: 'AKIAIVAN000000000001',
    ageDays: 500,
    lastUse: 400,
    keyStatus: 'Inactive',
    controls: [],
    message: 'Inactive key last used 400 days ago; it was deleted.',
    action: 'delete',
  }),
];

function outcome(
  userName: string,
  accessKeyId: string,
  status: PlannedAction['status'],
  extra: Partial<PlannedAction> = {},
): PlannedAction {
  return {
    action: 'deactivate',
    ruleId: 'unused-key',
    userName,
    key: { kind: 'id', accessKeyId },
    status,
    reason: null,
    error: null,
    ...extra,
  };
}

export const ENFORCE_ACTIONS: PlannedAction[] = [
  outcome('dave', 'AKIADAVE000000000001', 'skipped', {
    reason: 'Live check: the key was used 2 days ago (s3, eu-west-1), within the 90-day threshold.',
  }),
  outcome('carol-ci', 'AKIACAROL00000000001', 'applied'),
  outcome('bob', 'AKIABOB0000000000001', 'failed', {
    error: {
      code: 'AccessDenied',
      message:
        'User: arn:aws:sts::111111111111:assumed-role/key-hygiene-role/audit is not authorized to perform: iam:UpdateAccessKey on resource: user bob with an explicit deny in a service control policy',
    },
  }),
  outcome('alice', 'AKIAALICE00000000001', 'applied'),
  outcome('ivan', 'AKIAIVAN000000000001', 'applied', { action: 'delete', ruleId: 'inactive-key-cleanup' }),
];

export const EXEMPT: ExemptEntry[] = [
  {
    userName: 'svc-legacy-ftp',
    accessKeyId: 'AKIASVCFTP0000000001',
    source: 'glob',
    matched: 'svc-legacy-*',
    until: null,
    reason: null,
    suppressedRules: ['unused-key', 'rotation-overdue'],
  },
  {
    userName: 'judy',
    accessKeyId: 'AKIAJUDY000000000001',
    source: 'tag',
    matched: '2027-01-31',
    until: '2027-01-31',
    reason: 'Payroll vendor integration; moving to IAM Roles Anywhere in Q1.',
    suppressedRules: ['unused-key', 'rotation-overdue'],
  },
  {
    userName: 'emergency-admin',
    accessKeyId: null,
    source: 'path',
    matched: '/break-glass/',
    until: null,
    reason: null,
    suppressedRules: [],
  },
];

export const ERRORS: AuditError[] = [
  {
    userName: 'leo',
    accessKeyId: null,
    operation: 'ListUserTags',
    code: 'NoSuchEntity',
    message: 'The user with name leo cannot be found.',
  },
  {
    userName: 'kate',
    accessKeyId: 'AKIAKATE000000000001',
    operation: 'GetAccessKeyLastUsed',
    code: 'Throttling',
    message: 'Rate exceeded',
  },
];

/** The enforce-mode input; override any field. */
export function sampleInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    runId: '20261120T030000Z-1a2b3c',
    accountId: ACCOUNT_ID,
    mode: 'enforce',
    asOf: AS_OF,
    startedAt: AS_OF,
    finishedAt: new Date(AS_OF.getTime() + 42_000),
    source: { kind: 'credential-report', reason: 'report generated 2026-11-20T02:59:58Z, under 4 hours old' },
    complete: true,
    notReached: [],
    users: USERS,
    findings: FINDINGS,
    actions: ENFORCE_ACTIONS,
    exempt: EXEMPT,
    errors: ERRORS,
    ...overrides,
  };
}

/** Enforce mode: keys deactivated and deleted, one failure, one skipped after the live check. */
export function sampleReport(overrides: Partial<ReportInput> = {}): AuditReport {
  return buildReport(sampleInput(overrides));
}

/** Report mode: the same account, every deactivation planned, nothing changed. */
export function reportModeReport(): AuditReport {
  const actions = ENFORCE_ACTIONS.map((action): PlannedAction => {
    if (action.status === 'skipped') return action;
    return {
      ...action,
      status: 'planned',
      error: null,
      reason:
        action.action === 'delete'
          ? 'Delete: inactive and unused for 400 days.'
          : 'Deactivate: unused past 90 days.',
    };
  });
  return sampleReport({ mode: 'report', actions });
}

/** The run ran out of time before reaching seven users. */
export function incompleteReport(): AuditReport {
  return sampleReport({
    complete: false,
    notReached: ['mike', 'nina', 'oscar', 'pat', 'quinn', 'rosa', 'sam'],
  });
}

/** Enforce mode over the blast-radius cap: nothing applied, every action skipped, one critical finding. */
export function capTrippedReport(): AuditReport {
  const actions = ENFORCE_ACTIONS.map(
    (action): PlannedAction => ({
      ...action,
      status: 'skipped',
      error: null,
      reason: 'Blast-radius cap: 30 actions planned, the limit is 25; nothing was applied.',
    }),
  );
  const cap = finding({
    ruleId: 'blast-radius-cap',
    severity: 'critical',
    userName: null,
    accessKeyId: null,
    controls: [],
    message: 'This run planned 30 actions, over the limit of 25, so none were applied. Check the thresholds.',
    action: 'notify',
  });
  return sampleReport({ actions, findings: [...FINDINGS, cap] });
}

/** Strings an attacker (or a careless admin) controls: user names and tag values. */
export const HOSTILE_NAME = 'mallory\r\n\nCRITICAL (0)\u001b[2J\u202Eevil\u0007\u2028x';
export const HOSTILE_TAG = 'ok\n\nWHAT WAS DONE\nNothing.\t\u0000\u0085';

export function hostileReport(): AuditReport {
  return sampleReport({
    findings: [
      finding({
        ruleId: 'unused-key',
        severity: 'high',
        userName: HOSTILE_NAME,
        accessKeyId: 'AKIAMALLORY000000001',
        ageDays: 100,
        lastUse: 95,
        controls: UNUSED,
        message: `Key of ${HOSTILE_NAME} unused for 95 days.`,
        action: 'deactivate',
      }),
    ],
    actions: [],
    exempt: [
      {
        userName: HOSTILE_NAME,
        accessKeyId: null,
        source: 'tag',
        matched: HOSTILE_TAG,
        until: null,
        reason: HOSTILE_TAG,
        suppressedRules: ['unused-key'],
      },
    ],
    errors: [],
    complete: false,
    notReached: [HOSTILE_NAME],
  });
}

/**
 * A report with `count` findings (high to info, several per synthetic user), for size limits.
 * Built directly rather than through many rules, as a huge account would produce it.
 */
export function largeReport(count: number, overrides: Partial<ReportInput> = {}): AuditReport {
  const severities: Severity[] = ['high', 'medium', 'low', 'info'];
  const findings: Finding[] = [];
  for (let i = 0; i < count; i += 1) {
    const userName = `user-${String(Math.floor(i / 2)).padStart(6, '0')}`;
    findings.push(
      finding({
        ruleId: i % 2 === 0 ? 'unused-key' : 'rotation-overdue',
        severity: severities[i % severities.length] ?? 'low',
        userName,
        accessKeyId: `AKIA${String(i).padStart(16, '0')}`,
        ageDays: 200 + (i % 300),
        lastUse: 91 + (i % 200),
        controls: i % 2 === 0 ? UNUSED : ROTATION,
        message: `Key of ${userName} unused for ${91 + (i % 200)} days (limit 90); review and deactivate it.`,
        action: i % 2 === 0 ? 'deactivate' : 'notify',
      }),
    );
  }
  return sampleReport({ findings, ...overrides });
}

/** Team tags (`team`, else `owner`) on some of the sample users, for per-team routing. */
export const TEAM_TAGS: Readonly<Record<string, Record<string, string>>> = {
  alice: { team: 'payments' },
  bob: { team: 'payments', owner: 'bob@example.com' },
  'carol-ci': { Owner: 'data-platform' },
  dave: { team: 'payments' },
  gina: { owner: 'data-platform' },
  judy: { team: 'payments' },
};

/** The sample report with teams: payments (alice, bob, dave, judy) and data-platform (carol-ci, gina). */
export function teamReport(overrides: Partial<ReportInput> = {}): AuditReport {
  const users = USERS.map((u) => {
    const tags = { ...u.tags, ...(TEAM_TAGS[u.userName] ?? {}) };
    return { ...u, tags, team: u.isRoot ? null : teamOf(tags) };
  });
  return sampleReport({ users, ...overrides });
}
