import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findSdkCalls } from '../support/sdk-calls.js';

// The calls that change IAM are made in a few modules only, so a reviewer knows where to look: apply
// (deactivate and its record, delete and untag, the exposed-key record), undo's reactivation, and the
// answer page, which carries out what a key's owner asked for (the snooze tag, deactivate now).
const MUTATIONS = new Set(['iam:UpdateAccessKey', 'iam:DeleteAccessKey', 'iam:TagUser', 'iam:UntagUser']);
const ALLOWED = [
  'src/answer/answer-request.ts',
  'src/apply/deactivate-key.ts',
  'src/apply/delete-key.ts',
  'src/apply/exposed-record.ts',
  'src/undo/reactivate.ts',
];

const ROOT = new URL('../../', import.meta.url);

function productFiles(): string[] {
  return ['src', 'handlers']
    .flatMap((dir) =>
      readdirSync(new URL(dir, ROOT), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => `${dir}/${file.replaceAll('\\', '/')}`),
    )
    .filter((file) => !file.startsWith('src/sandbox/'));
}

describe('Architecture: the IAM mutations', () => {
  it('are made only by the apply modules, the undo module and the answer page', () => {
    // Act
    const mutating = productFiles().filter((file) =>
      findSdkCalls(file, readFileSync(new URL(file, ROOT), 'utf8')).some((call) =>
        MUTATIONS.has(call.action),
      ),
    );
    // Assess
    expect(mutating.sort()).toEqual(ALLOWED);
  });
});
