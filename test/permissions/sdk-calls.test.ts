import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatherPermissions } from '../../scripts/permissions/registry.js';
import type { PermissionDeclaration } from '../../src/aws/permissions.js';
import { FORWARDING_HELPERS, findSdkCalls } from '../support/sdk-calls.js';

// The list of actions the code calls comes from the code: a source scan of every deployed module
// (see test/support/sdk-calls.ts for what it sees) against the declarations the registry gathers.

const ROOT = new URL('../../', import.meta.url);
/** Code that runs in the functions. The sandbox is the local AWS stand-in, never deployed. */
const DEPLOYED = ['src', 'handlers'];
const NOT_DEPLOYED = /^src\/sandbox\//;
/** Declare what the Lambda service does with a role (logs, traces, destinations): no SDK calls. */
const LAMBDA_SERVICE_MODULES = /^src\/runtime\/platform\//;
/** Calls AWS allows every principal ("No permissions are required", STS API reference). */
const NEEDS_NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

function deployedFiles(): string[] {
  return DEPLOYED.flatMap((dir) =>
    readdirSync(new URL(dir, ROOT), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => `${dir}/${file.replaceAll('\\', '/')}`),
  )
    .filter((file) => !NOT_DEPLOYED.test(file))
    .sort();
}

const callsByFile = new Map(
  deployedFiles().map((file) => [file, findSdkCalls(file, readFileSync(new URL(file, ROOT), 'utf8'))]),
);

const { modules: PERMISSIONS_BY_MODULE } = await gatherPermissions();

function declaredIn(module: string): PermissionDeclaration[] {
  return PERMISSIONS_BY_MODULE.filter((entry) => entry.module === module).flatMap(
    (entry) => entry.permissions,
  );
}

describe('Function: findSdkCalls', () => {
  it('sees commands and paginators imported by name, renamed or as a namespace, and nothing else', () => {
    // Prepare
    const text = [
      "import { ListUsersCommand, paginateListUserTags, GetUserCommand as GetOne, type TagUserCommand } from '@aws-sdk/client-iam';",
      "import * as s3 from '@aws-sdk/client-s3';",
      "import type { PublishCommand } from '@aws-sdk/client-sns';",
      "import { SendMessageCommand } from '@aws-sdk/client-sqs';",
      "import { GetParameterCommand } from './not-the-sdk.js';",
      '// await iam.send(new DeleteUserCommand({}));',
      "const note = 'new DeleteAccessKeyCommand()';",
      'await iam.send(new ListUsersCommand({}));',
      'for await (const page of paginateListUserTags({ client }, {})) {}',
      'await iam.send(new GetOne({}));',
      'await s3client.send(new s3.PutObjectCommand({}));',
      'await s3client.send(new s3.ListObjectsV2Command({}));',
      'await sqs.send(new SendMessageCommand({}));',
      'await ssm.send(new GetParameterCommand({}));',
    ].join('\n');
    // Act
    const calls = findSdkCalls('example.ts', text);
    // Assess
    expect(calls).toEqual([
      { action: 'iam:ListUsers', line: 8 },
      { action: 'iam:ListUserTags', line: 9 },
      { action: 'iam:GetUser', line: 10 },
      { action: 's3:PutObject', line: 11 },
      { action: 's3:ListBucket', line: 12 },
      { action: 'sqs:SendMessage', line: 13 },
    ]);
  });

  it('counts a call of the S3 put helper as s3:PutObject where it is made, declared there with its prefix', () => {
    // Prepare
    const text = [
      "import { putOwnedObject as put } from '../aws/put-object.js';",
      "import { putOwnedObject as notIt } from './put-object-elsewhere.js';",
      "await put(s3, { bucket, key: 'reports/x', body, contentType, owner });",
      'await notIt(s3, {});',
    ].join('\n');
    // Act
    const calls = findSdkCalls('src/archive/example.ts', text);
    // Assess
    expect(calls).toEqual([{ action: 's3:PutObject', line: 3 }]);
  });
});

describe('Permission declarations: every SDK call is declared next to it', () => {
  it('finds the SDK calls of the deployed code (the scan sees something)', () => {
    // Assess
    expect([...callsByFile.values()].flat().map((c) => c.action)).toEqual(
      expect.arrayContaining([
        'iam:ListUsers',
        'iam:UpdateAccessKey',
        'sns:Publish',
        'sts:GetCallerIdentity',
      ]),
    );
  });

  it('declares every SDK call in the module that makes it', () => {
    // Prepare
    const undeclared: string[] = [];
    const helpers = new Set<string>(FORWARDING_HELPERS.map((helper) => helper.module));
    for (const [file, calls] of callsByFile) {
      if (helpers.has(file)) continue;
      const actions = new Set<string>(declaredIn(file).map((d) => d.action));
      for (const call of calls) {
        if (!actions.has(call.action)) undeclared.push(`${file}:${call.line} calls ${call.action}`);
      }
    }
    // Assess: add `{ action, resource, why }` to the module's exported `*_PERMISSIONS` declarations.
    expect(undeclared).toEqual([]);
  });

  it('declares nothing a module does not call: each declaration is called, directly or via a call', () => {
    // Prepare
    const uncalled: string[] = [];
    for (const entry of PERMISSIONS_BY_MODULE) {
      if (LAMBDA_SERVICE_MODULES.test(entry.module)) continue;
      const called = new Set((callsByFile.get(entry.module) ?? []).map((c) => c.action));
      for (const d of entry.permissions) {
        if (!called.has(d.via ?? d.action))
          uncalled.push(`${entry.module} declares ${d.action} (via ${d.via ?? '-'})`);
      }
    }
    // Assess
    expect(uncalled).toEqual([]);
    const platformModules = [...callsByFile.keys()].filter((file) => LAMBDA_SERVICE_MODULES.test(file));
    expect(platformModules.length).toBeGreaterThan(0);
    for (const module of platformModules) expect(callsByFile.get(module), module).toEqual([]);
  });

  it('lists only declarations that their module exports', async () => {
    // Prepare
    const missing: string[] = [];
    for (const entry of PERMISSIONS_BY_MODULE) {
      const exports: Record<string, unknown> = await import(new URL(entry.module, ROOT).href);
      const exported = Object.values(exports).filter(Array.isArray).flat();
      for (const d of entry.permissions) {
        if (!exported.includes(d)) missing.push(`${entry.module}: ${d.action}`);
      }
    }
    // Assess
    expect(missing).toEqual([]);
  });

  it('names one action per declaration, without wildcards, with a reason; only free calls go ungranted', () => {
    // Prepare
    const all = PERMISSIONS_BY_MODULE.flatMap((e) => e.permissions);
    // Assess
    for (const d of all) {
      expect(d.action, d.action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      expect(d.why.length, `${d.action} why`).toBeGreaterThan(10);
      expect(d.resource.length, `${d.action} resource`).toBeGreaterThan(0);
      expect(d.grant === false, `${d.action} grant`).toBe(NEEDS_NO_PERMISSION.has(d.action));
    }
  });
});
