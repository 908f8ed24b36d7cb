/**
 * A minimal writer for AWS Query-protocol XML: responses, results and `ErrorResponse` bodies.
 * Strings are concatenated directly (no DOM) because this is on the hot path of every request.
 */

/** The XML namespaces of the Query-protocol services the sandbox speaks. */
export const NAMESPACES = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
} as const;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

// XML 1.0 forbids these characters even as character references; a user-supplied value carrying
// one would make the SDK's parser reject the whole answer, so they become U+FFFD.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const SPECIAL = /[&<>"']/g;

/** Escapes a value for element text or an attribute. Every user-controlled string goes through it. */
export function escapeXml(value: string): string {
  return value.replace(FORBIDDEN, '\uFFFD').replace(SPECIAL, (ch) => ESCAPES[ch] ?? ch);
}

/** IAM writes timestamps as ISO 8601 without milliseconds: `2015-03-13T10:45:00Z`. */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export type XmlScalar = string | number | boolean | Date;

/** `<Name>value</Name>`, or nothing when the value is absent (the model's optional members). */
export function element(name: string, value: XmlScalar | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? isoSeconds(value) : escapeXml(String(value));
  return `<${name}>${text}</${name}>`;
}

/** `<Name>` + already-serialized children + `</Name>`. */
export function wrap(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

/** A Query-protocol list: `<Name><member>...</member>...</Name>` (children already serialized). */
export function memberList(name: string, members: readonly string[]): string {
  let inner = '';
  for (const member of members) inner += `<member>${member}</member>`;
  return `<${name}>${inner}</${name}>`;
}

/** A Query-protocol map: `<Name><entry><key>k</key><value>v</value></entry>...</Name>`. */
export function entryMap(name: string, entries: Iterable<readonly [string, XmlScalar]>): string {
  let inner = '';
  for (const [key, value] of entries)
    inner += `<entry>${element('key', key)}${element('value', value)}</entry>`;
  return `<${name}>${inner}</${name}>`;
}

/**
 * A whole success response: `<{Action}Response xmlns>`, the `<{Action}Result>` wrapper (omitted
 * when `result` is null, as the model does for operations without output) and `ResponseMetadata`.
 */
export function queryResponse(
  action: string,
  namespace: string,
  result: string | null,
  requestId: string,
): string {
  const body = result === null ? '' : `<${action}Result>${result}</${action}Result>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>\n`
  );
}

/** The Query-protocol `ErrorResponse` body. `Type` is Sender for client faults, Receiver for server faults. */
export function errorResponse(
  namespace: string,
  type: 'Sender' | 'Receiver',
  code: string,
  message: string,
  requestId: string,
): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${namespace ? ` xmlns="${namespace}"` : ''}><Error>` +
    `<Type>${type}</Type>${element('Code', code)}<Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>\n`
  );
}
