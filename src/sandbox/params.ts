import { awsErrors } from './errors.js';

/**
 * The parameters of one Query-protocol request (form body merged over the URL query string).
 * Lookups are by name, so the order the SDK or CLI sends them in does not matter.
 */
export class QueryParams {
  private readonly values: Map<string, string>;

  constructor(values: Map<string, string>) {
    this.values = values;
  }

  /** Parses `a=1&b=2` bodies (with or without `; charset=utf-8`) and the URL's query string. */
  static parse(body: string, search: string): QueryParams {
    const values = new Map<string, string>();
    if (search.length > 1) for (const [k, v] of new URLSearchParams(search)) values.set(k, v);
    if (body.length > 0) for (const [k, v] of new URLSearchParams(body)) values.set(k, v);
    return new QueryParams(values);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** The parameter, or a `MissingParameter`-style error naming it. */
  required(name: string): string {
    const value = this.values.get(name);
    if (value === undefined || value === '') throw awsErrors.missingParameter(name);
    return value;
  }

  /**
   * A Query-protocol list of structures: `Prefix.member.1.Key`, `Prefix.member.2.Key`, ...
   * Stops at the first missing index, as the services do.
   */
  structList(prefix: string, fields: readonly string[]): Record<string, string | undefined>[] {
    const out: Record<string, string | undefined>[] = [];
    for (let n = 1; ; n++) {
      const item: Record<string, string | undefined> = {};
      let any = false;
      for (const field of fields) {
        const value = this.values.get(`${prefix}.${n}.${field}`);
        if (value !== undefined) any = true;
        item[field] = value;
      }
      if (!any) return out;
      out.push(item);
    }
  }

  /** A Query-protocol list of strings: `Prefix.member.1`, `Prefix.member.2`, ... */
  stringList(prefix: string): string[] {
    const out: string[] = [];
    for (let n = 1; ; n++) {
      const value = this.values.get(`${prefix}.${n}`);
      if (value === undefined) return out;
      out.push(value);
    }
  }
}

/** The page size: `MaxItems` defaults to 100 and must be 1..1000, as in IAM. */
export function parseMaxItems(params: QueryParams): number {
  const raw = params.get('MaxItems');
  if (raw === undefined) return 100;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw awsErrors.validation(
      `1 validation error detected: Value '${raw}' at 'maxItems' failed to satisfy constraint: ` +
        'Member must have value between 1 and 1000',
    );
  }
  return value;
}

interface MarkerBody {
  /** The operation the marker belongs to. */
  o: string;
  /** Index of the next item. */
  i: number;
  /** What the listing is scoped to (a user name, a path prefix), so a marker cannot jump lists. */
  s: string;
}

/** An opaque marker for the page that starts at `index` (base64, like IAM's). */
export function encodeMarker(operation: string, scope: string, index: number): string {
  const body: MarkerBody = { o: operation, i: index, s: scope };
  return Buffer.from(JSON.stringify(body)).toString('base64');
}

/**
 * The start index a `Marker` stands for (0 without one).
 *
 * @throws ValidationError for a marker that did not come from the same listing.
 */
export function decodeMarker(params: QueryParams, operation: string, scope: string, length: number): number {
  const raw = params.get('Marker');
  if (raw === undefined) return 0;
  const invalid = awsErrors.validation(
    `Invalid Marker: '${raw.slice(0, 64)}' was not returned by a previous ${operation} call with the same ` +
      'parameters; send the Marker of the last page exactly, or start again without one',
  );
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof body !== 'object' || body === null) throw invalid;
  const { o, i, s } = body as Partial<MarkerBody>;
  if (
    o !== operation ||
    s !== scope ||
    typeof i !== 'number' ||
    !Number.isInteger(i) ||
    i < 0 ||
    i > length
  ) {
    throw invalid;
  }
  return i;
}
