import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findSdkCalls } from '../support/sdk-calls.js';

// The calls that change IAM are made in two modules only, so a reviewer knows where to look: apply
// (deactivate, tag, delete, untag) and undo's reactivation.
const MUTATIONS = new Set(['iam:UpdateAccessKey', 'iam:DeleteAccessKey', 'iam:TagUser', 'iam:UntagUser']);
const ALLOWED = ['src/apply/apply.ts', 'src/undo/reactivate.ts'];

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
  it('are made only by the apply module and the undo module', () => {
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
