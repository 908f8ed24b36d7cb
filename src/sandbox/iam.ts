import { generateCredentialReport } from './credential-report.js';
import { awsErrors } from './errors.js';
import { findUser, page, tagsXml, validateUserName } from './iam-common.js';
import { IAM_POLICY_ACTIONS, userBoundaryXml } from './iam-policies.js';
import { addKey, addUser, deleteKey, type SandboxAccessKey, type SandboxUser } from './iam-state.js';
import { decodeMarker, encodeMarker, parseMaxItems } from './params.js';
import type { ActionHandler, QueryService, RequestContext } from './service.js';
import { element, entryMap, escapeXml, memberList, NAMESPACES, wrap } from './xml.js';

const PATH = /^\/([\u0021-\u007E]{0,510}\/)?$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
/** AWS makes a new credential report at most every four hours and otherwise returns the last one. */
const REPORT_REUSE_MS = 4 * 60 * 60 * 1000;

/** IAM timestamps have second precision; keeping ours that way makes report slots match to the second. */
function nowSeconds(ctx: RequestContext): Date {
  const ms = ctx.state.clock.now().getTime();
  return new Date(ms - (ms % 1000));
}

function userXml(user: SandboxUser, withTags: boolean): string {
  let xml =
    element('Path', user.path) +
    element('UserName', user.name) +
    element('UserId', user.userId) +
    element('Arn', user.arn) +
    element('CreateDate', user.createDate);
  if (withTags && user.tags.size > 0) xml += tagsXml([...user.tags]);
  return xml;
}

function keyMetadataXml(key: SandboxAccessKey): string {
  return (
    element('UserName', key.userName) +
    element('AccessKeyId', key.id) +
    element('Status', key.status) +
    element('CreateDate', key.createDate)
  );
}

/** The user named by `UserName`, or (as IAM does when it is omitted) the user who signed the request. */
function targetUser(ctx: RequestContext): SandboxUser {
  const name = ctx.params.get('UserName');
  if (name !== undefined) return findUser(ctx, name);
  if (ctx.caller.kind === 'user' && ctx.caller.user) return ctx.caller.user;
  throw awsErrors.validation('Must specify userName when calling with non-User credentials');
}

function keyOfUser(user: SandboxUser, id: string): SandboxAccessKey {
  const key = user.keys.find((k) => k.id === id);
  if (!key) throw awsErrors.noSuchAccessKey(id);
  return key;
}

/** Parses `Tags.member.N.Key/Value`, checking IAM's constraints. */
function parseTags(ctx: RequestContext): [string, string][] {
  return ctx.params.structList('Tags.member', ['Key', 'Value']).map(({ Key, Value }, i) => {
    if (Key === undefined || !TAG_KEY.test(Key)) {
      throw awsErrors.validation(
        `1 validation error detected: Value '${Key ?? 'null'}' at 'tags.${i + 1}.member.key' failed to satisfy ` +
          'constraint: Member must have length between 1 and 128 and use letters, digits, spaces and _.:/=+-@',
      );
    }
    if (Key.toLowerCase().startsWith('aws:')) {
      throw awsErrors.invalidInput(`Tag key ${Key} uses the reserved prefix aws:; choose another key`);
    }
    const value = Value ?? '';
    if (!TAG_VALUE.test(value)) {
      throw awsErrors.validation(
        `1 validation error detected: Value '${value}' at 'tags.${i + 1}.member.value' failed to satisfy ` +
          'constraint: Member must have length at most 256 and use letters, digits, spaces and _.:/=+-@',
      );
    }
    return [Key, value];
  });
}

/** Sets tags on a user, refusing (like IAM) to go over 50 tags. */
function applyTags(user: SandboxUser, tags: readonly [string, string][]): void {
  const added = new Set(tags.map(([key]) => key).filter((key) => !user.tags.has(key)));
  if (user.tags.size + added.size > 50) throw awsErrors.tagQuota();
  for (const [key, value] of tags) user.setTag(key, value);
}

const listUsers: ActionHandler = (ctx) => {
  const prefix = ctx.params.get('PathPrefix') ?? '/';
  if (!PATH.test(prefix) && !/^\/[\u0021-\u007E]{0,511}$/.test(prefix)) {
    throw awsErrors.validation(
      `1 validation error detected: Value '${prefix}' at 'pathPrefix' failed to satisfy constraint: ` +
        'Member must start with / and contain printable ASCII characters',
    );
  }
  const maxItems = parseMaxItems(ctx.params);
  const list = ctx.account.userList;
  let i = decodeMarker(ctx.params, 'ListUsers', prefix, list.length);
  let members = '';
  let count = 0;
  // Every path starts with "/", so the default prefix pages by index with no scan at all.
  const all = prefix === '/';
  while (i < list.length && count < maxItems) {
    const user = list[i++] as SandboxUser;
    if (all || user.path.startsWith(prefix)) {
      members += `<member>${userXml(user, false)}</member>`;
      count++;
    }
  }
  if (!all) while (i < list.length && !(list[i] as SandboxUser).path.startsWith(prefix)) i++;
  const truncated = i < list.length;
  return (
    element('IsTruncated', truncated) +
    (truncated ? element('Marker', encodeMarker('ListUsers', prefix, i)) : '') +
    wrap('Users', members)
  );
};

const getUser: ActionHandler = (ctx) => {
  const name = ctx.params.get('UserName');
  if (name === undefined && ctx.caller.kind === 'root') {
    const root =
      element('UserId', ctx.account.id) +
      element('Arn', `arn:aws:iam::${ctx.account.id}:root`) +
      element('CreateDate', ctx.account.createDate);
    return wrap('User', root);
  }
  const user = targetUser(ctx);
  return wrap('User', userXml(user, true) + userBoundaryXml(ctx, user));
};

const createUser: ActionHandler = (ctx) => {
  const name = ctx.params.required('UserName');
  validateUserName(name);
  const path = ctx.params.get('Path') ?? '/';
  if (!PATH.test(path)) {
    throw awsErrors.validation(
      `1 validation error detected: Value '${path}' at 'path' failed to satisfy constraint: ` +
        'Member must start and end with / and contain printable ASCII characters',
    );
  }
  if (ctx.account.users.has(name.toLowerCase())) throw awsErrors.userExists(name);
  const tags = parseTags(ctx);
  if (tags.length > 50) throw awsErrors.tagQuota();
  const user = addUser(ctx.account, name, path, nowSeconds(ctx));
  applyTags(user, tags);
  return wrap('User', userXml(user, true));
};

const listAccessKeys: ActionHandler = (ctx) => {
  if (ctx.params.get('UserName') === undefined && ctx.caller.kind === 'root') {
    // The root user listing its own keys: only those the fixture gave an ID can be named.
    const keys = ctx.account.rootKeys.filter((k) => k.id !== null);
    const { items, tail } = page(ctx, 'ListAccessKeys', '<root>', keys);
    return (
      memberList(
        'AccessKeyMetadata',
        items.map(
          (k) =>
            element('AccessKeyId', k.id) +
            element('Status', k.active ? 'Active' : 'Inactive') +
            element('CreateDate', k.createDate),
        ),
      ) + tail
    );
  }
  const user = targetUser(ctx);
  const { items, tail } = page(ctx, 'ListAccessKeys', user.name, user.keys);
  return memberList('AccessKeyMetadata', items.map(keyMetadataXml)) + tail;
};

const createAccessKey: ActionHandler = (ctx) => {
  const user = targetUser(ctx);
  if (user.keys.length >= 2) throw awsErrors.keyQuota();
  const key = addKey(ctx.state.keys, user, {
    id: ctx.state.newKeyId('AKIA'),
    secret: ctx.state.newSecret(),
    status: 'Active',
    createDate: nowSeconds(ctx),
    lastUsed: null,
  });
  return wrap(
    'AccessKey',
    element('UserName', key.userName) +
      element('AccessKeyId', key.id) +
      element('Status', key.status) +
      element('SecretAccessKey', key.secret) +
      element('CreateDate', key.createDate),
  );
};

const updateAccessKey: ActionHandler = (ctx) => {
  const id = ctx.params.required('AccessKeyId');
  const status = ctx.params.required('Status');
  if (status !== 'Active' && status !== 'Inactive') {
    throw awsErrors.validation(
      `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: ` +
        'Member must satisfy enum value set: [Active, Inactive]',
    );
  }
  keyOfUser(targetUser(ctx), id).status = status;
  return null;
};

const deleteAccessKey: ActionHandler = (ctx) => {
  const id = ctx.params.required('AccessKeyId');
  const user = targetUser(ctx);
  const key = keyOfUser(user, id);
  deleteKey(ctx.state.keys, user, key);
  return null;
};

const getAccessKeyLastUsed: ActionHandler = (ctx) => {
  const id = ctx.params.required('AccessKeyId');
  const key = ctx.state.keys.get(id);
  let userName: string | null = null;
  let lastUsed: SandboxAccessKey['lastUsed'];
  if (key && key.accountId === ctx.account.id) {
    userName = key.userName;
    lastUsed = key.lastUsed;
  } else {
    const root = ctx.state.rootKeys.get(id);
    if (!root || root.accountId !== ctx.account.id) throw awsErrors.noSuchAccessKey(id);
    lastUsed = root.key.lastUsed;
  }
  // Never used: no LastUsedDate at all, ServiceName and Region "N/A" (the model and the User Guide).
  const info = lastUsed
    ? element('LastUsedDate', lastUsed.date) +
      element('ServiceName', lastUsed.service) +
      element('Region', lastUsed.region)
    : element('ServiceName', 'N/A') + element('Region', 'N/A');
  return element('UserName', userName) + wrap('AccessKeyLastUsed', info);
};

const listUserTags: ActionHandler = (ctx) => {
  const user = findUser(ctx, ctx.params.required('UserName'));
  const { items, tail } = page(ctx, 'ListUserTags', user.name, [...user.tags]);
  return tagsXml(items) + tail;
};

const tagUser: ActionHandler = (ctx) => {
  const user = findUser(ctx, ctx.params.required('UserName'));
  const tags = parseTags(ctx);
  if (tags.length === 0) throw awsErrors.missingParameter('Tags');
  applyTags(user, tags);
  return null;
};

const untagUser: ActionHandler = (ctx) => {
  const user = findUser(ctx, ctx.params.required('UserName'));
  const keys = ctx.params.stringList('TagKeys.member');
  if (keys.length === 0) throw awsErrors.missingParameter('TagKeys');
  for (const key of keys) user.deleteTag(key);
  return null;
};

/**
 * COMPLETE once its delay has passed in real time or on the sandbox clock, unless the `stuck` test
 * aid holds it in INPROGRESS.
 */
function reportReady(ctx: RequestContext, report: { readyAt: number; readyOnClock: number }): boolean {
  if (ctx.state.credentialReportAid.stuck) return false;
  return Date.now() >= report.readyAt || ctx.state.clock.now().getTime() >= report.readyOnClock;
}

const generateCredentialReportAction: ActionHandler = (ctx) => {
  if (ctx.state.credentialReportAid.refuseGeneration) {
    throw awsErrors.accessDenied(
      `User: ${ctx.caller.arn} is not authorized to perform: iam:GenerateCredentialReport on resource: *`,
    );
  }
  const now = ctx.state.clock.now();
  const existing = ctx.account.credentialReport;
  if (existing && now.getTime() - existing.generatedTime.getTime() < REPORT_REUSE_MS) {
    return element('State', reportReady(ctx, existing) ? 'COMPLETE' : 'INPROGRESS');
  }
  ctx.account.credentialReport = generateCredentialReport(
    ctx.account,
    nowSeconds(ctx),
    ctx.state.source.credentialReportDelayMs,
  );
  // Like IAM, the first answer is STARTED even when the report is ready at once; the next is COMPLETE.
  return (
    element('Description', 'No report exists. Starting a new report generation task') +
    element('State', 'STARTED')
  );
};

const getCredentialReport: ActionHandler = (ctx) => {
  const report = ctx.account.credentialReport;
  if (!report) throw awsErrors.reportNotPresent();
  if (!reportReady(ctx, report)) throw awsErrors.reportInProgress();
  const override = ctx.state.credentialReportAid.csv;
  const content = override === null ? report.content : Buffer.from(override, 'utf8').toString('base64');
  // Base64 needs no escaping; skipping escapeXml saves two passes over a report that is tens of MB
  // for a 50,000-user account.
  return (
    `<Content>${content}</Content>` +
    element('ReportFormat', 'text/csv') +
    element('GeneratedTime', report.generatedTime)
  );
};

/** An account has at most one alias; the answer is never truncated. */
const listAccountAliases: ActionHandler = (ctx) =>
  memberList('AccountAliases', ctx.account.alias ? [escapeXml(ctx.account.alias)] : []) +
  element('IsTruncated', false);

const getAccountSummary: ActionHandler = (ctx) => {
  const rootKeyPresent = ctx.account.rootKeys.some((k) => k.active);
  return entryMap('SummaryMap', [
    ['Users', ctx.account.userList.length],
    ['UsersQuota', 5000],
    ['Groups', ctx.account.policies.groupList.length],
    ['GroupsQuota', 300],
    ['Roles', 0],
    ['RolesQuota', 1000],
    ['Policies', [...ctx.account.policies.policies.values()].filter((p) => !p.awsManaged).length],
    ['PoliciesQuota', 1500],
    ['AccessKeysPerUserQuota', 2],
    ['SigningCertificatesPerUserQuota', 2],
    // The sandbox models no MFA devices, groups, roles or policies.
    ['MFADevices', 0],
    ['MFADevicesInUse', 0],
    ['AccountMFAEnabled', 0],
    ['AccountAccessKeysPresent', rootKeyPresent ? 1 : 0],
    ['AccountSigningCertificatesPresent', 0],
    ['GlobalEndpointTokenVersion', 1],
  ]);
};

/** IAM (Query protocol, 2010-05-08): the operations key-hygiene calls. */
export const iamService: QueryService = {
  name: 'iam',
  version: '2010-05-08',
  namespace: NAMESPACES.iam,
  actions: {
    ListUsers: listUsers,
    GetUser: getUser,
    CreateUser: createUser,
    ListAccessKeys: listAccessKeys,
    CreateAccessKey: createAccessKey,
    UpdateAccessKey: updateAccessKey,
    DeleteAccessKey: deleteAccessKey,
    GetAccessKeyLastUsed: getAccessKeyLastUsed,
    ListUserTags: listUserTags,
    TagUser: tagUser,
    UntagUser: untagUser,
    GenerateCredentialReport: generateCredentialReportAction,
    GetCredentialReport: getCredentialReport,
    GetAccountSummary: getAccountSummary,
    ...IAM_POLICY_ACTIONS,
    ListAccountAliases: listAccountAliases,
  },
};
