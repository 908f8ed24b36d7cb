import { awsErrors } from './errors.js';
import { randomString, stableId } from './random.js';
import type { ActionHandler, QueryService } from './service.js';
import type { AssumedRoleSession } from './sts-state.js';
import { element, NAMESPACES, wrap } from './xml.js';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/((?:[\u0021-\u007E]*\/)?)([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

const getCallerIdentity: ActionHandler = (ctx) =>
  element('Arn', ctx.caller.arn) +
  element('UserId', ctx.caller.userId) +
  element('Account', ctx.caller.accountId);

const assumeRole: ActionHandler = (ctx) => {
  const roleArn = ctx.params.required('RoleArn');
  const sessionName = ctx.params.required('RoleSessionName');
  const match = ROLE_ARN.exec(roleArn);
  if (!match) {
    throw awsErrors.validation(
      `${roleArn} is invalid: RoleArn must look like arn:aws:iam::<12-digit account>:role/<path/><name>`,
    );
  }
  const [, accountId = '', , roleName = ''] = match;
  if (!SESSION_NAME.test(sessionName)) {
    throw awsErrors.validation(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: ` +
        'Member must have length between 2 and 64 and satisfy regular expression pattern: [\\w+=,.@-]*',
    );
  }
  const rawDuration = ctx.params.get('DurationSeconds');
  const duration = rawDuration === undefined ? 3600 : Number(rawDuration);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
    throw awsErrors.validation(
      `1 validation error detected: Value '${rawDuration}' at 'durationSeconds' failed to satisfy constraint: ` +
        'Member must have value between 900 and 43200',
    );
  }
  // Without `roles` in the fixture, any role in an account the fixture knows can be assumed.
  if (!ctx.state.account(accountId)) {
    throw awsErrors.accessDenied(
      `User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn} ` +
        `(the sandbox fixture has no account ${accountId}; add it to the fixture's accounts)`,
    );
  }
  // An account that declares its roles has only those: any other is missing (or does not trust the
  // caller), which STS answers alike, naming the role.
  const { roles } = ctx.state.standing(accountId);
  if (roles !== null && !roles.has(roleName)) {
    throw awsErrors.accessDenied(
      `User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
  }
  const assumedRoleId = stableId('AROA', accountId, roleName);
  const session: AssumedRoleSession = {
    accessKeyId: ctx.state.newKeyId('ASIA'),
    secretAccessKey: ctx.state.newSecret(),
    sessionToken: `IQoJb3JpZ2luX2Vj${randomString(ctx.state.rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 300)}`,
    accountId,
    roleArn,
    roleName,
    sessionName,
    externalId: ctx.params.get('ExternalId') ?? null,
    assumedRoleId,
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    // Real time, not the sandbox clock: the SDK compares Expiration with its own clock to refresh.
    expiration: new Date(Date.now() + duration * 1000),
  };
  ctx.state.sessions.set(session.accessKeyId, session);
  return (
    wrap(
      'AssumedRoleUser',
      element('Arn', session.arn) + element('AssumedRoleId', `${assumedRoleId}:${sessionName}`),
    ) +
    wrap(
      'Credentials',
      element('AccessKeyId', session.accessKeyId) +
        element('SecretAccessKey', session.secretAccessKey) +
        element('SessionToken', session.sessionToken) +
        element('Expiration', session.expiration),
    )
  );
};

/** STS (Query protocol, 2011-06-15): GetCallerIdentity and AssumeRole. */
export const stsService: QueryService = {
  name: 'sts',
  version: '2011-06-15',
  namespace: NAMESPACES.sts,
  actions: {
    GetCallerIdentity: getCallerIdentity,
    AssumeRole: assumeRole,
  },
};
