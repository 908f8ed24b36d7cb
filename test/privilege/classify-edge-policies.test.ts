import { describe, expect, it } from 'vitest';
import { classifyPrivilege, describePrivilege, isReadAction } from '../../src/privilege/classify.js';
import {
  type PolicyDocument,
  PolicyDocumentError,
  type PolicySource,
  type PolicyStatement,
  parsePolicyDocument,
} from '../../src/privilege/policy-document.js';

const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*'): PolicyStatement => ({
  Effect: 'Allow',
  Action,
  Resource,
});
const inline = (name: string, document: PolicyDocument): PolicySource => ({
  name,
  kind: 'inline',
  group: null,
  document,
});

describe('Function: classifyPrivilege, with policies that name no common action', () => {
  it.each([
    // The policy and the boundary meet only on the common probe: without it the key would look harmless.
    ['s3:Get*', 's3:*Object', 'read-only'],
    ['s3:List*', 's3:*Bucket', 'read-only'],
    ['ec2:Describe*', 'ec2:*Instances', 'read-only'],
    ['s3:Put*', 's3:*Object', 'write'],
    ['sns:P*', 'sns:*sh', 'write'],
  ])('finds what an Allow of %s under a boundary of %s leaves: %s', (granted, bounded, level) => {
    // Act
    const privilege = classifyPrivilege([inline('grant', doc(allow(granted)))], doc(allow(bounded)));
    // Assess
    expect(privilege).toEqual({ level, source: 'inline policy grant', actions: [] });
  });

  it("counts the boundary's own actions: a dynamodb:* key bounded to dynamodb:Get* is read-only", () => {
    // Act
    const privilege = classifyPrivilege(
      [inline('tables', doc(allow('dynamodb:*')))],
      doc(allow('dynamodb:Get*')),
    );
    // Assess
    expect(privilege).toEqual({ level: 'read-only', source: 'inline policy tables', actions: [] });
  });

  it('counts an Allow with NotAction as granting any action it does not name', () => {
    // Prepare: everything but the services of the common probes and IAM, on one bucket only
    const statement: PolicyStatement = {
      Effect: 'Allow',
      NotAction: ['iam:*', 's3:*', 'ec2:*', 'sns:*'],
      Resource: 'arn:aws:s3:::logs/*',
    };
    // Act
    const privilege = classifyPrivilege([inline('all-but', doc(statement))]);
    // Assess
    expect(privilege).toEqual({ level: 'write', source: 'inline policy all-but', actions: [] });
  });

  it('reads a statement written with NotResource instead of Resource', () => {
    // Act
    const privilege = classifyPrivilege([
      inline(
        'not-secrets',
        doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secrets/*' }),
      ),
    ]);
    // Assess
    expect(privilege).toEqual({ level: 'read-only', source: 'inline policy not-secrets', actions: [] });
  });

  it('grants nothing with a Deny alone, even a conditional one that does not apply for certain', () => {
    // Act
    const privilege = classifyPrivilege([
      inline(
        'mfa',
        doc({
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
        }),
      ),
    ]);
    // Assess
    expect(privilege).toEqual({ level: 'none', source: null, actions: [] });
  });

  it('grants nothing with a statement that names no action', () => {
    expect(classifyPrivilege([inline('empty', doc({ Effect: 'Allow', Resource: '*' }))])).toEqual({
      level: 'none',
      source: null,
      actions: [],
    });
  });
});

describe('Function: isReadAction', () => {
  it('does not call a name without a service prefix a read, whatever its verb', () => {
    expect([isReadAction('GetObject'), isReadAction('s3:GetObject')]).toEqual([false, true]);
  });
});

describe('Function: describePrivilege', () => {
  it('says that no policy allows anything', () => {
    expect(describePrivilege({ level: 'none', source: null, actions: [] })).toBe(
      'none: no policy allows anything',
    );
  });

  it('joins the actions of a PassRole escalation with "with"', () => {
    // Act
    const privilege = classifyPrivilege([
      inline('deploy', doc(allow(['iam:PassRole', 'lambda:CreateFunction']))),
    ]);
    // Assess
    expect(describePrivilege(privilege)).toBe(
      'privilege-escalation: inline policy deploy (iam:PassRole with lambda:CreateFunction)',
    );
  });
});

describe('Function: parsePolicyDocument', () => {
  it('rejects JSON without a Statement', () => {
    expect(() => parsePolicyDocument('{"Version":"2012-10-17"}')).toThrow(
      'the policy document has no Statement',
    );
  });

  it('rejects JSON that is not an object, with the same words', () => {
    for (const raw of ['42', '"Statement"', 'null']) {
      expect(() => parsePolicyDocument(raw)).toThrow(
        new PolicyDocumentError('the policy document has no Statement'),
      );
    }
  });

  it("keeps the decoder's and the parser's error as the cause", () => {
    const failure = (raw: string) => {
      try {
        parsePolicyDocument(raw);
      } catch (error) {
        return error as Error;
      }
      throw new Error(`${raw} parsed`);
    };
    const badEncoding = failure('%E0%A4%A');
    const badJson = failure('%7B%22Statement%22');
    expect([badEncoding.message, badEncoding.cause instanceof URIError]).toEqual([
      'the policy document is not URL-encoded JSON',
      true,
    ]);
    expect([badJson.message, badJson.cause instanceof SyntaxError]).toEqual([
      'the policy document is not JSON',
      true,
    ]);
  });
});
