/**
 * The tests' own account of IAM (written here, never imported from the classifier): a name dropped
 * from the classifier makes the tests that use these lists disagree with it.
 */

/** Each lets a user grant itself (or a principal it controls) more than it has. */
export const ESCALATION_ACTIONS = [
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:AddUserToGroup',
  'iam:UpdateAssumeRolePolicy',
  'iam:PutUserPermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
];

/** Services that run code with a role passed to them: with `iam:PassRole`, any role's rights. */
export const CODE_RUNNERS = [
  'lambda:CreateFunction',
  'ec2:RunInstances',
  'ecs:RunTask',
  'ecs:RegisterTaskDefinition',
  'glue:CreateDevEndpoint',
  'glue:CreateJob',
  'cloudformation:CreateStack',
  'codebuild:CreateProject',
  'sagemaker:CreateNotebookInstance',
  'datapipeline:CreatePipeline',
];
