/**
 * SNS filter policies on message attributes, so a test sees which subscribers a message would
 * reach (team routing). The supported conditions are listed in docs/sandbox.md.
 */
import { awsErrors } from './errors.js';
import type { MessageAttributeValue } from './sns-state.js';

/** A validated policy: attribute name to the conditions, any of which may match. */
export type FilterPolicy = Readonly<Record<string, readonly unknown[]>>;

const OPERATORS = new Set(['anything-but', 'exists', 'prefix', 'suffix', 'equals-ignore-case', 'numeric']);
const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);

function invalid(reason: string): Error {
  return awsErrors.snsInvalidParameter(`Filter policy: ${reason}`);
}

function checkCondition(key: string, condition: unknown): void {
  if (typeof condition === 'string' || typeof condition === 'number' || condition === null) return;
  if (typeof condition !== 'object' || Array.isArray(condition)) {
    throw invalid(`Match value must be String, number, true, false, or null (key ${key})`);
  }
  const entries = Object.entries(condition);
  const [operator, operand] = entries[0] ?? [];
  if (entries.length !== 1 || operator === undefined) {
    throw invalid(`Only one operator per object is allowed (key ${key})`);
  }
  if (!OPERATORS.has(operator)) {
    throw invalid(
      `Unrecognized match type ${operator} (key ${key}); the sandbox supports ${[...OPERATORS].join(', ')}`,
    );
  }
  if (operator === 'exists' && typeof operand !== 'boolean')
    throw invalid('exists match pattern must be either true or false.');
  if (
    (operator === 'prefix' || operator === 'suffix' || operator === 'equals-ignore-case') &&
    typeof operand !== 'string'
  ) {
    throw invalid(`${operator} match pattern must be a string`);
  }
  if (operator === 'numeric') {
    if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) {
      throw invalid('Value of numeric must be an array of operator and number pairs');
    }
    for (let i = 0; i < operand.length; i += 2) {
      if (!NUMERIC_OPS.has(String(operand[i])) || typeof operand[i + 1] !== 'number') {
        throw invalid(`Unrecognized numeric range operator: ${String(operand[i])}`);
      }
    }
  }
}

/**
 * Parses a filter policy as Subscribe and SetSubscriptionAttributes receive it.
 *
 * @throws AwsError `InvalidParameter` ("Invalid parameter: Filter policy: …") when it is malformed.
 */
export function parseFilterPolicy(text: string): FilterPolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('failed to parse JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('a filter policy is a JSON object');
  }
  const entries = Object.entries(parsed);
  if (entries.length > 5) throw invalid('Filter policy can not have more than 5 keys');
  for (const [key, conditions] of entries) {
    if (key === '$or') throw invalid('$or is not supported by the sandbox');
    if (!Array.isArray(conditions)) {
      throw invalid(
        `"${key}" must be an object or an array (nested policies apply to MessageBody scope, which the sandbox does not support)`,
      );
    }
    if (conditions.length === 0) throw invalid(`Empty arrays are not allowed (key ${key})`);
    for (const condition of conditions) checkCondition(key, condition);
  }
  return Object.fromEntries(entries) as FilterPolicy;
}

/** The values an attribute offers for matching; null when it cannot match anything but `exists`. */
function attributeValues(attribute: MessageAttributeValue): { strings: string[]; numbers: number[] } {
  const text = attribute.StringValue ?? '';
  if (attribute.DataType.startsWith('Number')) return { strings: [], numbers: [Number(text)] };
  if (attribute.DataType === 'String.Array') {
    try {
      const items: unknown = JSON.parse(text);
      if (Array.isArray(items)) {
        return {
          strings: items.filter((i): i is string => typeof i === 'string'),
          numbers: items.filter((i): i is number => typeof i === 'number'),
        };
      }
    } catch {
      // Not an array after all: SNS then matches nothing but `exists`.
    }
    return { strings: [], numbers: [] };
  }
  if (attribute.DataType.startsWith('String')) return { strings: [text], numbers: [] };
  return { strings: [], numbers: [] };
}

function matchesValue(condition: unknown, values: { strings: string[]; numbers: number[] }): boolean {
  if (typeof condition === 'string') return values.strings.includes(condition);
  if (typeof condition === 'number') return values.numbers.includes(condition);
  if (condition === null || typeof condition !== 'object') return false;
  const [operator, operand] = Object.entries(condition)[0] ?? [];
  switch (operator) {
    case 'prefix':
      return values.strings.some((s) => s.startsWith(String(operand)));
    case 'suffix':
      return values.strings.some((s) => s.endsWith(String(operand)));
    case 'equals-ignore-case':
      return values.strings.some((s) => s.toLowerCase() === String(operand).toLowerCase());
    case 'numeric': {
      const pairs = operand as unknown[];
      return values.numbers.some((n) => {
        for (let i = 0; i < pairs.length; i += 2) {
          const bound = pairs[i + 1] as number;
          const ok = { '=': n === bound, '<': n < bound, '<=': n <= bound, '>': n > bound, '>=': n >= bound }[
            String(pairs[i]) as '='
          ];
          if (!ok) return false;
        }
        return true;
      });
    }
    case 'anything-but': {
      const excluded = Array.isArray(operand) ? operand : [operand];
      const hit = (value: unknown) =>
        excluded.some((ex) =>
          typeof ex === 'object' && ex !== null && 'prefix' in ex
            ? typeof value === 'string' && value.startsWith(String((ex as { prefix: unknown }).prefix))
            : ex === value,
        );
      const all = [...values.strings, ...values.numbers];
      return all.length > 0 && all.every((value) => !hit(value));
    }
    default:
      return false;
  }
}

/** Every key of the policy must match (AND), by any of its conditions (OR); no policy passes all. */
export function matchesFilterPolicy(
  policy: FilterPolicy | null,
  attributes: Readonly<Record<string, MessageAttributeValue>>,
): boolean {
  if (policy === null) return true;
  return Object.entries(policy).every(([key, conditions]) => {
    const attribute = attributes[key];
    return conditions.some((condition) => {
      if (typeof condition === 'object' && condition !== null && 'exists' in condition) {
        return (condition as { exists: boolean }).exists === (attribute !== undefined);
      }
      return attribute !== undefined && matchesValue(condition, attributeValues(attribute));
    });
  });
}
