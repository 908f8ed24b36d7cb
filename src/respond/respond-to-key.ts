/**
 * The exposed-key responder: for each access key an AWS_RISK_CREDENTIALS_EXPOSED event names, find
 * its owner, deactivate it at once through the audit's own safeguards (record first, status
 * re-read, rule `exposed-key`, a run id), summarise what it did lately, publish a critical alert and
 * record on the user that the event was handled. One key per event, so the blast-radius cap does
 * not hold it back; an exempt user's key (tag, name, glob or path, the same exemptions the role's
 * explicit Deny enforces) is reported for a person to deactivate, never skipped in silence.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import {
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  type IAMClient,
  ListAttachedUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import type { SNSClient } from '@aws-sdk/client-sns';
import { deactivateKey } from '../apply/deactivate-key.js';
import { writeExposedRecord } from '../apply/exposed-record.js';
import { describeAwsError, isNoSuchEntity } from '../aws/errors.js';
import { ANY_USER, type PermissionDeclaration } from '../aws/permissions.js';
import type { Settings } from '../config/settings.js';
import { quarantinePolicies } from '../evaluate/exposed-key.js';
import { exposedTagKey, tagValue, teamOf } from '../evaluate/tags.js';
import type { PlannedAction, UserRecord } from '../model.js';
import { publishMessage } from '../notify/publish.js';
import { exemptionFor } from '../plan/exemptions.js';
import { newRunId } from '../run-id.js';
import type { AuditLogger } from '../run-start.js';
import { toIsoDate } from '../time.js';
import { buildAlert, type KeyResponse } from './alert.js';
import type { ExposedKeyEvent } from './health-event.js';
import { summarizeKeyActivity } from './trail-summary.js';

/**
 * The reads the responder makes before acting.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const RESPONDER_PERMISSIONS = [
  {
    action: 'iam:GetAccessKeyLastUsed',
    resource: ANY_USER,
    why: 'finds the owner of the key the AWS Health event names (the only call that needs just the key id)',
  },
  {
    action: 'iam:GetUser',
    resource: ANY_USER,
    why: "reads the owner's path and tags: exemptions, and the record of an event already handled",
  },
  {
    action: 'iam:ListAttachedUserPolicies',
    resource: ANY_USER,
    why: 'names the quarantine policy AWS attached, for the alert',
  },
] as const satisfies readonly PermissionDeclaration[];

export interface ResponderDeps {
  iam: Pick<IAMClient, 'send'>;
  sns: Pick<SNSClient, 'send'>;
  cloudtrail: Pick<CloudTrailClient, 'send'>;
  clock: () => Date;
  /** The report topic. */
  topicArn: string;
  /** The key the responder signs with: never deactivated by itself. */
  selfAccessKeyId: string | null;
  logger: AuditLogger;
}

/** What one invocation did. */
export interface ExposedKeyResponse {
  runId: string;
  accountId: string;
  eventId: string;
  eventArn: string;
  keys: KeyResponse[];
}

interface Owner {
  user: UserRecord;
  quarantine: string[];
}

async function readOwner(iam: ResponderDeps['iam'], userName: string): Promise<Owner> {
  const { User: found } = await iam.send(new GetUserCommand({ UserName: userName }));
  const tags: Record<string, string> = {};
  for (const tag of found?.Tags ?? []) tags[tag.Key ?? ''] = tag.Value ?? '';
  let quarantine: string[] = [];
  try {
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }));
    quarantine = quarantinePolicies({
      managedPolicies: (attached.AttachedPolicies ?? []).map((policy) => policy.PolicyName ?? ''),
    });
  } catch {
    // Only the alert's wording depends on it.
  }
  return {
    user: {
      userName,
      arn: found?.Arn ?? '',
      path: found?.Path ?? '/',
      createDate: found?.CreateDate ?? null,
      tags,
      team: teamOf(tags),
      isRoot: false,
      keys: [],
    },
    quarantine,
  };
}

/**
 * Handles one exposed key; never throws for an AWS error on the key (it becomes the outcome, and
 * the alert says to act by hand). Returns null for a duplicate: the user already carries the record.
 */
async function respondToKey(
  deps: ResponderDeps,
  settings: Settings,
  context: { runId: string; now: Date },
  accessKeyId: string,
): Promise<Omit<KeyResponse, 'activity' | 'messageId'> & { record: boolean }> {
  const base = { accessKeyId, quarantinePolicies: [] as string[] };
  let userName: string | undefined;
  try {
    const answer = await deps.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
    userName = answer.UserName;
  } catch (error) {
    const { code, message } = describeAwsError(error);
    return isNoSuchEntity(error)
      ? {
          ...base,
          userName: null,
          outcome: 'unknown-key',
          detail: `nothing: IAM has no key ${accessKeyId} in this account (already deleted, or another account's); check the AWS Health event.`,
          record: false,
        }
      : {
          ...base,
          userName: null,
          outcome: 'failed',
          detail: `nothing: looking up the key's owner failed (${code}: ${message}); deactivate it by hand.`,
          record: false,
        };
  }
  if (!userName) {
    return {
      ...base,
      userName: null,
      outcome: 'unknown-key',
      detail: `nothing: ${accessKeyId} belongs to no IAM user (a root key?); the account owner must delete it by hand.`,
      record: false,
    };
  }
  let owner: Owner;
  try {
    owner = await readOwner(deps.iam, userName);
  } catch (error) {
    const { code, message } = describeAwsError(error);
    return {
      ...base,
      userName,
      outcome: 'failed',
      detail: `nothing: reading ${userName} failed (${code}: ${message}); deactivate ${accessKeyId} by hand.`,
      record: false,
    };
  }
  const known = { ...base, userName, quarantinePolicies: owner.quarantine };
  const recorded = tagValue(owner.user.tags, exposedTagKey(accessKeyId));
  if (recorded !== undefined) {
    return {
      ...known,
      outcome: 'duplicate',
      detail: `nothing: already handled (${recorded}).`,
      record: false,
    };
  }
  const exemption = exemptionFor(owner.user, settings, context.now);
  if (exemption) {
    return {
      ...known,
      outcome: 'exempt',
      detail: `nothing: ${userName} is exempt from key-hygiene's actions (${exemption.source} ${exemption.matched}${exemption.reason ? `, ${exemption.reason}` : ''}), so the key is still active: deactivate it by hand.`,
      record: true,
    };
  }
  if (deps.selfAccessKeyId === accessKeyId) {
    return {
      ...known,
      outcome: 'self-key',
      detail: 'nothing: the responder itself signs with this key; deactivate it by hand.',
      record: true,
    };
  }
  if (settings.rules.exposedKey.action === 'notify') {
    return {
      ...known,
      outcome: 'notified',
      detail: 'nothing (exposedKeyAction is notify): the key is still active; deactivate it now.',
      record: true,
    };
  }
  const action: PlannedAction = {
    action: 'deactivate',
    ruleId: 'exposed-key',
    userName,
    key: { kind: 'id', accessKeyId },
    status: 'planned',
    reason: null,
    error: null,
  };
  const outcome = await deactivateKey(
    {
      iam: deps.iam,
      now: context.now,
      runId: context.runId,
      unusedKeyDays: settings.rules.unusedKey.days,
    },
    action,
    accessKeyId,
  );
  if (outcome.status === 'applied') {
    return {
      ...known,
      outcome: 'deactivated',
      detail: `deactivated it at ${context.now.toISOString()} (recorded on ${userName} as key-hygiene:deactivated-${accessKeyId}).`,
      record: true,
    };
  }
  if (outcome.status === 'skipped' && /already inactive|not listed/.test(outcome.reason ?? '')) {
    return { ...known, outcome: 'already-inactive', detail: `nothing: ${outcome.reason}.`, record: true };
  }
  const error = outcome.error ? ` (${outcome.error.code}: ${outcome.error.message})` : '';
  return {
    ...known,
    outcome: 'failed',
    detail: `not deactivated: ${outcome.reason ?? 'unknown'}${error}; deactivate it by hand.`,
    record: false,
  };
}

/**
 * Responds to one AWS Health exposed-key event: each key it names is handled, summarised and
 * alerted on within the invocation.
 *
 * @throws DeliveryError when the alert cannot be published (after the key was dealt with), so
 *   EventBridge retries; the retry finds the key inactive and publishes again.
 */
export async function respondToExposedKey(
  deps: ResponderDeps,
  settings: Settings,
  event: ExposedKeyEvent,
): Promise<ExposedKeyResponse> {
  const now = deps.clock();
  const runId = newRunId(now);
  const context = {
    runId,
    accountId: event.account,
    eventId: event.id,
    eventArn: event.detail.eventArn,
    now,
  };
  const keyIds = [...new Set(event.detail.affectedEntities.map((entity) => entity.entityValue))];
  const keys: KeyResponse[] = [];
  for (const accessKeyId of keyIds) {
    const { record, ...handled } = await respondToKey(deps, settings, context, accessKeyId);
    if (handled.outcome === 'duplicate') {
      deps.logger.info('exposed key already handled', { runId, accessKeyId, userName: handled.userName });
      keys.push({ ...handled, activity: null, messageId: null });
      continue;
    }
    const activity = handled.userName ? await summarizeKeyActivity(deps.cloudtrail, accessKeyId, now) : null;
    const response: KeyResponse = { ...handled, activity, messageId: null };
    const { messageId } = await publishMessage(deps.sns, deps.topicArn, runId, buildAlert(response, context));
    deps.logger.warn('exposed key handled', {
      runId,
      accessKeyId,
      userName: handled.userName,
      outcome: handled.outcome,
    });
    if (record && handled.userName) {
      try {
        await writeExposedRecord(deps.iam, handled.userName, accessKeyId, `${toIsoDate(now)} ${runId}`);
      } catch (error) {
        deps.logger.warn('could not record the handled event on the user', {
          runId,
          accessKeyId,
          ...describeAwsError(error),
        });
      }
    }
    keys.push({ ...response, messageId });
  }
  return { runId, accountId: event.account, eventId: event.id, eventArn: event.detail.eventArn, keys };
}
