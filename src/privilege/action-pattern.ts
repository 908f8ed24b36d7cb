/**
 * IAM's action and resource patterns: `*` matches any run of characters, `?` one character, and
 * action names compare without regard to case (`iam:createaccesskey` is `iam:CreateAccessKey`).
 */

const cache = new Map<string, RegExp>();

function regexOf(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  let regex = cache.get(key);
  if (!regex) {
    const body = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|/-]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    cache.set(key, regex);
  }
  return regex;
}

/** Whether an action pattern (`iam:*AccessKey*`, `*`) matches a concrete action name. */
export function actionMatches(pattern: string, action: string): boolean {
  return regexOf(pattern, true).test(action);
}

/** Whether a resource pattern matches every resource: `*` alone. */
export function coversEveryResource(patterns: readonly string[]): boolean {
  return patterns.includes('*');
}

/**
 * A concrete action that the pattern matches, made by writing `Xx` for each `*` and `X` for each
 * `?`: what the pattern grants beyond the actions the classifier knows by name. `s3:Get*` gives
 * `s3:GetXx` (a read), `s3:*Object` gives `s3:XxObject` (of unknown verb, so counted as a write).
 */
export function witnessOf(pattern: string): string {
  return pattern.replaceAll('*', 'Xx').replaceAll('?', 'X');
}
