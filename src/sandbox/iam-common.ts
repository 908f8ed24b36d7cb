import { awsErrors } from './errors.js';
import type { SandboxUser } from './iam-state.js';
import { decodeMarker, encodeMarker, parseMaxItems } from './params.js';
import type { RequestContext } from './service.js';
import { element, memberList } from './xml.js';

const USER_NAME = /^[\w+=,.@-]{1,64}$/;

export function validateUserName(name: string, field = 'userName'): void {
  if (!USER_NAME.test(name)) {
    throw awsErrors.validation(
      `1 validation error detected: Value '${name}' at '${field}' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length between 1 and 64',
    );
  }
}

export function findUser(ctx: RequestContext, name: string): SandboxUser {
  validateUserName(name);
  const user = ctx.account.users.get(name.toLowerCase());
  if (!user) throw awsErrors.noSuchUser(name);
  return user;
}

export function tagsXml(tags: readonly (readonly [string, string])[]): string {
  return memberList(
    'Tags',
    tags.map(([key, value]) => element('Key', key) + element('Value', value)),
  );
}

/** One page of `items` starting at the marker; `Marker` only while truncated, as the paginators need. */
export function page<T>(ctx: RequestContext, operation: string, scope: string, items: readonly T[]) {
  const maxItems = parseMaxItems(ctx.params);
  const start = decodeMarker(ctx.params, operation, scope, items.length);
  const end = Math.min(items.length, start + maxItems);
  const truncated = end < items.length;
  return {
    items: items.slice(start, end),
    tail:
      element('IsTruncated', truncated) +
      (truncated ? element('Marker', encodeMarker(operation, scope, end)) : ''),
  };
}
