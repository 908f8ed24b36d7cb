/**
 * Policy documents as IAM hands them back, and the ones it should never hand back: a document the
 * classifier cannot read is an error naming what is wrong with it, never a guess at the privilege.
 */
import { describe, expect, it } from 'vitest';
import { classifyPrivilege } from '../../src/privilege/classify.js';
import { parsePolicyDocument } from '../../src/privilege/policy-document.js';

describe('Policy documents: what the classifier reads and what it refuses', () => {
  it('says which way a document is unreadable: not URL-encoded, not JSON, or without a Statement', () => {
    // Prepare
    const documents = ['%E0%A4%A', 'Statement', encodeURIComponent('null'), '{"Version":"2012-10-17"}'];
    // Act
    const messages = documents.map((raw) => {
      try {
        parsePolicyDocument(raw);
        return 'read';
      } catch (error) {
        return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    });
    // Assess
    expect(messages).toEqual([
      'PolicyDocumentError: the policy document is not URL-encoded JSON',
      'PolicyDocumentError: the policy document is not JSON',
      'PolicyDocumentError: the policy document has no Statement',
      'PolicyDocumentError: the policy document has no Statement',
    ]);
  });

  it('reads plain JSON with leading blanks as it is, and a lone Statement object as a list of one', () => {
    // Prepare: a document written by hand, `%` in a resource name and no list around the statement
    const raw =
      '  {"Statement":{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::1:user/100%"}}';
    // Act
    const document = parsePolicyDocument(raw);
    const privilege = classifyPrivilege([{ name: 'p', kind: 'inline', group: null, document }]);
    // Assess
    expect(privilege).toEqual({
      level: 'privilege-escalation',
      source: 'inline policy p',
      actions: ['iam:CreateAccessKey'],
    });
  });
});
