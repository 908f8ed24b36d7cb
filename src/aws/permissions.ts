/**
 * One permission a call site needs, declared next to the call (as Cloud Custodian's actions declare
 * theirs) in an exported `*_PERMISSIONS` list; `scripts/permissions/registry.ts` gathers them per
 * function by walking each handler's imports. `test/deploy/least-privilege` packages the service
 * and checks with an IAM policy simulator that the role grants each declaration on exactly its
 * resource, and nothing that no declaration asks for.
 *
 * @example
 * export const PUBLISH_PERMISSIONS = [
 *   { action: 'sns:Publish', resource: '${ReportTopic}', why: 'publishReport sends the report' },
 * ] as const satisfies readonly PermissionDeclaration[];
 */
export interface PermissionDeclaration {
  /** `service:Action` as IAM spells it. Never a wildcard: the role grants named actions only. */
  readonly action: `${string}:${string}`;
  /**
   * The resource the call touches, as an ARN in CloudFormation `Fn::Sub` syntax:
   * `${AWS::Partition}`, `${AWS::Region}`, `${AWS::AccountId}`; `${LogicalId}` or
   * `${LogicalId.Attribute}` for a resource of serverless.yml (the value of `!Ref` / `!GetAtt`);
   * `${Service}` and `${Stage}` for the service name and stage. `*` only for actions that take no
   * resource (IAM list calls, X-Ray), or a `*` inside an ARN for "any user", "any object under".
   * Written exactly as serverless.yml grants it (the test compares them after resolving both).
   */
  readonly resource: string;
  /**
   * A concrete resource the simulator test calls the action on, in the same syntax, when replacing
   * each `*` of `resource` by a name does not give an ARN of the action's resource type (log streams).
   */
  readonly example?: string;
  /** The IAM `Condition` block the grant carries, if any (e.g. `kms:ViaService`). */
  readonly condition?: PermissionCondition;
  /**
   * The serverless param (`cleanupEnabled`) that must be `true` (or `onlyWhenValue`) for the role to
   * hold this: the code makes the call only when that setting is on, so a deployment without it is
   * not granted it.
   */
  readonly onlyWhenParam?: string;
  /** The value of `onlyWhenParam` that turns the permission on, when not `true` (`securityHub=on`). */
  readonly onlyWhenValue?: string;
  /**
   * For a permission AWS uses on the caller's behalf during another call of the same module (SNS
   * uses the topic's KMS key during `sns:Publish`): that call's action. Without it, the module must
   * make the call itself; a declaration whose call is gone fails the scan of SDK calls.
   */
  readonly via?: `${string}:${string}`;
  /** One sentence: which call needs it and why. Printed in the permissions table of docs/deploy.md. */
  readonly why: string;
  /**
   * `false` for a call AWS allows every principal (`sts:GetCallerIdentity`): declared so the scan of
   * SDK calls sees it, and never granted (a grant would be an unused permission).
   */
  readonly grant?: false;
}

/** An IAM condition block: operator -> condition key -> value(s). */
export type PermissionCondition = Readonly<
  Record<string, Readonly<Record<string, string | readonly string[]>>>
>;

/** Any IAM user of the deployment's account: the resource of every per-user IAM call. */
export const ANY_USER = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*';

/**
 * The condition that lets TagUser and UntagUser touch only tag keys matching `pattern`: every key of
 * the request must match (`ForAllValues`), and the request must name keys (`Null` false), since
 * `ForAllValues` alone holds for a request with none.
 */
export function onlyTagKeys(pattern: string): PermissionCondition {
  return { 'ForAllValues:StringLike': { 'aws:TagKeys': pattern }, Null: { 'aws:TagKeys': 'false' } };
}
