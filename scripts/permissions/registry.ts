/**
 * Gathers the permission declarations per function, the way Cloud Custodian's
 * `Policy.get_permissions` walks a policy's own filters and actions: from each function's handler
 * (serverless.yml's `functions`), through its import graph (esbuild's metafile: exactly the modules
 * its bundle is built from), collecting the `*_PERMISSIONS` arrays that each module reached
 * declares. A new call site exports its declaration next to the call and is picked up without
 * editing anything here; a module no handler imports grants nothing.
 *
 * `test/permissions/sdk-calls.test.ts` fails while an SDK call has no declaration in its module,
 * and `test/deploy/least-privilege.test.ts` while a role does not grant exactly these.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import type { PermissionDeclaration } from '../../src/aws/permissions.js';

const ROOT = new URL('../../', import.meta.url);
/** Where deployed code lives; the sandbox is the local AWS stand-in, never deployed. */
const SOURCE_DIRS = ['src', 'handlers'];
const NOT_DEPLOYED = /^src\/sandbox\//;
const DECLARATION_NAME = /_PERMISSIONS$/;

/** A function of serverless.yml and the file its handler is exported from. */
export interface ServiceFunction {
  /** The name under `functions:` (`scheduledAudit`). */
  readonly name: string;
  /** The handler's source file from the repository root (`handlers/scheduled-audit.ts`). */
  readonly entry: string;
}

export interface ModulePermissions {
  /** The file that declares them (`export const X_PERMISSIONS`), from the repository root. */
  readonly module: string;
  /** The functions whose handler reaches this module through its imports. */
  readonly functions: readonly string[];
  readonly permissions: readonly PermissionDeclaration[];
}

export interface PermissionRegistry {
  /** serverless.yml's functions, in its order. */
  readonly functions: readonly ServiceFunction[];
  /** Every module of the deployed code that declares permissions, by path. */
  readonly modules: readonly ModulePermissions[];
}

/**
 * The functions of a serverless.yml: each name under the top-level `functions:` key with its
 * `handler` (`handlers/x.handler` lives in `handlers/x.ts`). Reads only that block, by indentation,
 * so the file's CloudFormation tags need no YAML schema.
 */
export function serviceFunctions(serverlessYml: string): ServiceFunction[] {
  const lines = serverlessYml.split(/\r?\n/);
  const start = lines.indexOf('functions:');
  if (start === -1) throw new Error('serverless.yml has no top-level `functions:` block');
  const functions: { name: string; entry?: string }[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const name = /^ {2}(\w+):\s*$/.exec(line)?.[1];
    if (name) functions.push({ name });
    const handler = /^ {4}handler:\s*['"]?([\w./-]+)\.\w+['"]?\s*$/.exec(line)?.[1];
    const current = functions.at(-1);
    if (handler && current) current.entry = `${handler}.ts`;
  }
  return functions.map(({ name, entry }) => {
    if (!entry) throw new Error(`serverless.yml: function ${name} has no handler this reader understands`);
    return { name, entry };
  });
}

/** The repository's files that one entry point's bundle is built from (packages left out). */
export async function modulesReachedFrom(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: fileURLToPath(ROOT),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    // Dependencies declare nothing; leaving them out keeps the walk to our own modules.
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

/** The names a module declares with a top-level `export const NAME_PERMISSIONS` (re-exports are not declarations). */
export function declaredNames(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  return source.statements
    .filter(ts.isVariableStatement)
    .filter((s) => s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
    .flatMap((s) => s.declarationList.declarations)
    .map((d) => (ts.isIdentifier(d.name) ? d.name.text : ''))
    .filter((name) => DECLARATION_NAME.test(name));
}

function sourceFiles(): string[] {
  return SOURCE_DIRS.flatMap((dir) =>
    readdirSync(new URL(dir, ROOT), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => `${dir}/${file.replaceAll('\\', '/')}`),
  )
    .filter((file) => !NOT_DEPLOYED.test(file))
    .sort();
}

async function declarationsOf(module: string, names: string[]): Promise<PermissionDeclaration[]> {
  // Importing a handler would run its cold start (settings, clients): it may only re-export.
  if (module.startsWith('handlers/')) {
    throw new Error(`${module} declares ${names.join(', ')}: declare them in src/ and re-export them here`);
  }
  const exports: Record<string, unknown> = await import(new URL(module, ROOT).href);
  return names.flatMap((name) => {
    const value = exports[name];
    if (!Array.isArray(value)) throw new Error(`${module}: ${name} is not an array of declarations`);
    return value as PermissionDeclaration[];
  });
}

async function gather(): Promise<PermissionRegistry> {
  const functions = serviceFunctions(readFileSync(new URL('serverless.yml', ROOT), 'utf8'));
  const reached = await Promise.all(
    functions.map(async (fn) => ({ name: fn.name, modules: new Set(await modulesReachedFrom(fn.entry)) })),
  );
  const modules: ModulePermissions[] = [];
  for (const module of sourceFiles()) {
    const names = declaredNames(module, readFileSync(new URL(module, ROOT), 'utf8'));
    if (names.length === 0) continue;
    modules.push({
      module,
      functions: reached.filter((r) => r.modules.has(module)).map((r) => r.name),
      permissions: await declarationsOf(module, names),
    });
  }
  return { functions, modules };
}

let registry: Promise<PermissionRegistry> | undefined;

/** The registry of this checkout, gathered once per process (the walk bundles every handler). */
export function gatherPermissions(): Promise<PermissionRegistry> {
  registry ??= gather();
  return registry;
}

/**
 * The permissions a function needs: the declarations of every module its handler reaches, in
 * module order, the same action, resource and condition listed once. A role shared by several
 * functions must allow the union of theirs.
 */
export function permissionsOf(registry: PermissionRegistry, functionName: string): PermissionDeclaration[] {
  return uniquePermissions(
    registry.modules.filter((m) => m.functions.includes(functionName)).flatMap((m) => m.permissions),
  );
}

/** Declarations with the same action, resource and condition merged (the first `why` wins). */
export function uniquePermissions(declarations: readonly PermissionDeclaration[]): PermissionDeclaration[] {
  const seen = new Set<string>();
  return declarations.filter((declaration) => {
    const key = `${declaration.action} ${declaration.resource} ${JSON.stringify(declaration.condition ?? null)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
