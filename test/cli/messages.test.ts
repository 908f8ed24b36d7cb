import { describe, expect, it } from 'vitest';
import { deniedActionHints, hintFor } from '../../src/cli/aws-hints.js';
import { colourBySeverity } from '../../src/cli/colour.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import type { Finding } from '../../src/model.js';

/** An SDK-like error: a name, a message, and IAM's `Code` when given. */
function awsError(name: string, message: string, code?: string): Error {
  const error = new Error(message);
  error.name = name;
  if (code) Object.assign(error, { Code: code });
  return error;
}

describe('Function: hintFor', () => {
  it('names the command or setting that fixes each credential failure', () => {
    // Prepare
    const cases: Array<[Error, string | undefined, RegExp]> = [
      [
        awsError(
          'CredentialsProviderError',
          'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.',
        ),
        'dev',
        /^Run `aws sso login --profile dev`/,
      ],
      [
        awsError(
          'TokenProviderError',
          "Token is expired. To refresh this SSO session run 'aws sso login' with the corresponding profile.",
        ),
        undefined,
        /^Run `aws sso login --profile default`/,
      ],
      [
        awsError(
          'CredentialsProviderError',
          'Profile ops could not be found or parsed in shared credentials file.',
        ),
        'ops',
        /^No profile ops in the shared config or credentials file/,
      ],
      [
        awsError('CredentialsProviderError', 'Could not load credentials from any providers'),
        undefined,
        /pass --profile NAME, or set AWS_PROFILE/,
      ],
      [
        awsError('ExpiredToken', 'The security token included in the request is expired'),
        'ci',
        /have expired/,
      ],
      [
        awsError(
          'AccessDenied',
          'User: arn:aws:iam::111111111111:user/x is not authorized to perform: iam:ListUsers',
        ),
        undefined,
        /allow iam:ListUsers for these credentials; docs\/deploy\.md, "The role's permissions"/,
      ],
    ];
    for (const [error, profile, hint] of cases) {
      // Act, Assess
      expect(hintFor(error, { profile }), error.message).toMatch(hint);
    }
    expect(hintFor(new Error('socket hang up'), { profile: undefined })).toBeNull();
  });

  it('finds the AWS error inside our own (a failed delivery names it as its cause)', () => {
    // Prepare
    const cause = awsError(
      'AuthorizationError',
      'User is not authorized to perform: sns:Publish',
      'AuthorizationError',
    );
    const error = new Error('Could not publish the report', { cause });
    // Act
    const hint = hintFor(error, { profile: undefined });
    // Assess
    expect(hint).toMatch(/allow sns:Publish/);
  });

  it('lists each refused action of a report once', () => {
    // Act
    const hints = deniedActionHints([
      {
        userName: null,
        accessKeyId: null,
        operation: 'ListUsers',
        code: 'AccessDenied',
        message: 'not authorized to perform: iam:ListUsers',
      },
      {
        userName: 'bob',
        accessKeyId: null,
        operation: 'ListAccessKeys',
        code: 'AccessDenied',
        message: 'denied',
      },
      {
        userName: 'eve',
        accessKeyId: null,
        operation: 'ListAccessKeys',
        code: 'AccessDenied',
        message: 'denied',
      },
      {
        userName: 'amy',
        accessKeyId: null,
        operation: 'ListAccessKeys',
        code: 'Throttling',
        message: 'slow down',
      },
    ]);
    // Assess
    expect(hints.map((hint) => hint.split(' ')[0])).toEqual(['iam:ListUsers', 'ListAccessKeys']);
  });
});

describe('Function: exitCodeOf', () => {
  const finding = (severity: Finding['severity']) => ({ severity }) as Finding;

  it('is 2 for a finding at or above --fail-on, 3 for an incomplete run, else 0', () => {
    // Prepare
    const clean = { findings: [finding('medium'), finding('info')], complete: true, errors: [] };
    const incomplete = { ...clean, complete: false };
    // Assess
    expect(exitCodeOf(clean, 'none')).toBe(0);
    expect(exitCodeOf(clean, 'high')).toBe(0);
    expect(exitCodeOf(clean, 'medium')).toBe(2);
    expect(exitCodeOf(clean, 'low')).toBe(2);
    expect(exitCodeOf(incomplete, 'high')).toBe(3);
    expect(exitCodeOf(incomplete, 'medium')).toBe(2);
    expect(
      exitCodeOf(
        {
          ...clean,
          errors: [
            { userName: 'bob', accessKeyId: null, operation: 'ListAccessKeys', code: 'X', message: 'x' },
          ],
        },
        'none',
      ),
    ).toBe(3);
  });
});

describe('Function: colourBySeverity', () => {
  it('paints each line of a severity section in its colour and leaves the rest alone', () => {
    // Act
    const painted = colourBySeverity('HEADER\n\nCRITICAL (1)\n- root\n\nLOW (1)\n- bob\n\nFOOTER\n');
    // Assess
    expect(painted).toBe(
      'HEADER\n\n\u001b[1;31mCRITICAL (1)\u001b[0m\n\u001b[1;31m- root\u001b[0m\n\n\u001b[36mLOW (1)\u001b[0m\n\u001b[36m- bob\u001b[0m\n\nFOOTER\n',
    );
  });
});
