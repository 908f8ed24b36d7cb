/**
 * Finds the AWS SDK v3 calls a source file makes, by reading its syntax tree (the TypeScript
 * compiler's parser, not a regular expression, so comments and strings do not count):
 * `new XxxCommand(...)` and `paginateXxx(...)` whose names are imported (directly, renamed, or
 * through `import * as`) from an `@aws-sdk/client-*` package. This is a source scan: a call made
 * through a name the scan cannot see (a command class passed around as a value, `client.xxx()`
 * on an aggregated client) escapes it, so the code base keeps to the two forms above.
 *
 * Powertools Parameters reads SSM for the code: `getParameter(...)` imported from
 * `@aws-lambda-powertools/parameters/ssm`, and `x.get(...)` on a variable or parameter whose type
 * names that module's `SSMProvider`, count as `ssm:GetParameter`.
 */
import ts from 'typescript';

export interface SdkCall {
  /** The IAM action the call needs, e.g. `iam:ListUsers`. */
  action: string;
  /** 1-based line of the call. */
  line: number;
}

/** Service prefixes that differ from the client package's name. */
const SERVICE_PREFIX: Record<string, string> = {
  'secrets-manager': 'secretsmanager',
  'cloudwatch-logs': 'logs',
  eventbridge: 'events',
  sesv2: 'ses',
};

/** Operations whose IAM action has another name (per the Service Authorization Reference). */
const ACTION_FOR_OPERATION: Record<string, string> = {
  's3:ListObjectsV2': 's3:ListBucket',
  's3:ListObjects': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
  's3:CreateMultipartUpload': 's3:PutObject',
  's3:UploadPart': 's3:PutObject',
  's3:CompleteMultipartUpload': 's3:PutObject',
};

const POWERTOOLS_SSM = '@aws-lambda-powertools/parameters/ssm';

/**
 * Helpers that make one SDK call for their callers, each caller on its own resource (one S3 put for
 * the archive, the delivery record and the organization run's objects): a call of the helper counts
 * as that action where it is made, and is declared there with its resource; the helper declares none.
 */
export const FORWARDING_HELPERS = [
  { module: 'src/aws/put-object.ts', name: 'putOwnedObject', action: 's3:PutObject' },
] as const;

/** The helper an import specifier and name point at (`../aws/put-object.js`, `putOwnedObject`). */
function forwardedAction(specifier: string, exported: string): string | undefined {
  return FORWARDING_HELPERS.find(
    (helper) =>
      helper.name === exported &&
      specifier.endsWith(helper.module.replace(/^src/, '').replace(/\.ts$/, '.js')),
  )?.action;
}

function prefixOf(packageName: string): string | undefined {
  const match = /^@aws-sdk\/client-(.+)$/.exec(packageName);
  if (!match?.[1]) return undefined;
  return SERVICE_PREFIX[match[1]] ?? match[1].replaceAll('-', '');
}

function actionFor(prefix: string, exported: string): string | undefined {
  const operation = exported.endsWith('Command')
    ? exported.slice(0, -'Command'.length)
    : exported.startsWith('paginate')
      ? exported.slice('paginate'.length)
      : undefined;
  if (!operation) return undefined;
  const action = `${prefix}:${operation}`;
  return ACTION_FOR_OPERATION[action] ?? action;
}

/** The SDK calls of one file's source text. */
export function findSdkCalls(fileName: string, text: string): SdkCall[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  /** Local name -> [service prefix, exported name]. */
  const named = new Map<string, [string, string]>();
  /** Namespace import name -> service prefix. */
  const namespaces = new Map<string, string>();

  /** Local names of Powertools' SSM provider class and `getParameter` function. */
  const ssmProviderTypes = new Set<string>();
  const ssmGetters = new Set<string>();
  /** Local names of forwarding helpers -> the action a call of one counts as. */
  const helpers = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const importBindings = statement.importClause?.namedBindings;
    if (importBindings && ts.isNamedImports(importBindings)) {
      for (const element of importBindings.elements) {
        const action = forwardedAction(
          statement.moduleSpecifier.text,
          (element.propertyName ?? element.name).text,
        );
        if (action && !element.isTypeOnly) helpers.set(element.name.text, action);
      }
    }
    if (statement.moduleSpecifier.text === POWERTOOLS_SSM) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          const exported = (element.propertyName ?? element.name).text;
          if (exported === 'SSMProvider') ssmProviderTypes.add(element.name.text);
          if (exported === 'getParameter') ssmGetters.add(element.name.text);
        }
      }
      continue;
    }
    const prefix = prefixOf(statement.moduleSpecifier.text);
    const clause = statement.importClause;
    if (!prefix || !clause || clause.isTypeOnly) continue;
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) namespaces.set(bindings.name.text, prefix);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        if (element.isTypeOnly) continue;
        named.set(element.name.text, [prefix, (element.propertyName ?? element.name).text]);
      }
    }
  }

  /** Variables and parameters typed with the SSM provider (e.g. `provider: Pick<SSMProvider, 'get'>`). */
  const ssmProviders = new Set<string>();
  const findProviders = (node: ts.Node) => {
    if ((ts.isParameter(node) || ts.isVariableDeclaration(node)) && ts.isIdentifier(node.name) && node.type) {
      const typeText = node.type.getText(source);
      if ([...ssmProviderTypes].some((name) => new RegExp(`\\b${name}\\b`).test(typeText)))
        ssmProviders.add(node.name.text);
    }
    ts.forEachChild(node, findProviders);
  };
  if (ssmProviderTypes.size > 0) findProviders(source);

  const calls: SdkCall[] = [];
  const record = (callee: ts.Expression, node: ts.Node) => {
    let action: string | undefined;
    if (ts.isIdentifier(callee)) {
      const imported = named.get(callee.text);
      if (imported) action = actionFor(...imported);
      else if (ssmGetters.has(callee.text)) action = 'ssm:GetParameter';
      else action = helpers.get(callee.text);
    } else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const prefix = namespaces.get(callee.expression.text);
      if (prefix) action = actionFor(prefix, callee.name.text);
      else if (callee.name.text === 'get' && ssmProviders.has(callee.expression.text))
        action = 'ssm:GetParameter';
    }
    if (action) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      calls.push({ action, line });
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node)) record(node.expression, node);
    else if (ts.isCallExpression(node)) record(node.expression, node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return calls;
}
