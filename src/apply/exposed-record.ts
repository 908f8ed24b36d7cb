import { type IAMClient, TagUserCommand } from '@aws-sdk/client-iam';
import { ANY_USER, onlyTagKeys, type PermissionDeclaration } from '../aws/permissions.js';
import { exposedTagKey, TAG_KEYS } from '../evaluate/tags.js';

/**
 * The exposed-key responder's record on the user: which key an AWS Health event named.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const EXPOSED_RECORD_PERMISSIONS = [
  {
    action: 'iam:TagUser',
    resource: ANY_USER,
    condition: onlyTagKeys(`${TAG_KEYS.exposedPrefix}*`),
    why: 'records on the user that an AWS Health event named its key as exposed (the responder handled it)',
  },
] as const satisfies readonly PermissionDeclaration[];

/**
 * Writes `key-hygiene:exposed-<keyId>` = `<value>` on the user: the responder's last step, so a
 * replayed event finds it and does nothing twice, and the nightly audit knows which key to act on.
 */
export async function writeExposedRecord(
  iam: Pick<IAMClient, 'send'>,
  userName: string,
  accessKeyId: string,
  value: string,
): Promise<void> {
  await iam.send(
    new TagUserCommand({ UserName: userName, Tags: [{ Key: exposedTagKey(accessKeyId), Value: value }] }),
  );
}
