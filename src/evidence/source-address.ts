/**
 * Where a call came from, from CloudTrail's `sourceIPAddress`: an IPv4 or IPv6 address, `AWS
 * Internal`, or the service principal of an AWS service calling on the key's behalf
 * (`lambda.amazonaws.com`). Pure; any string is accepted.
 */

import type { SOURCE_KINDS } from '../model.js';

export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface SourceAddress {
  /** The address as CloudTrail wrote it (IPv6 lower-cased), or `(none)`. */
  address: string;
  kind: SourceKind;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** Hex groups and colons, possibly an embedded IPv4 tail; `::` once at most. */
const IPV6 = /^(?=.*:)[0-9a-f:]{2,39}(?:\.\d{1,3}){0,3}$/i;
const SERVICE_PRINCIPAL = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/i;
const MAX_ADDRESS = 64;

/** The kind of a source address; `other` for anything unexpected, never an error. */
export function sourceAddress(value: string | null | undefined): SourceAddress {
  const address = (value ?? '').trim();
  if (address === '') return { address: '(none)', kind: 'other' };
  if (/^AWS Internal$/i.test(address)) return { address: 'AWS Internal', kind: 'aws-internal' };
  if (SERVICE_PRINCIPAL.test(address)) return { address: address.toLowerCase(), kind: 'aws-service' };
  if (IPV4.test(address)) return { address, kind: 'ipv4' };
  if (IPV6.test(address) && (address.match(/::/g) ?? []).length <= 1) {
    return { address: address.toLowerCase(), kind: 'ipv6' };
  }
  return { address: address.slice(0, MAX_ADDRESS), kind: 'other' };
}

/** True for a call made from inside AWS (an AWS service or AWS's own network). */
export function isAwsSource(kind: SourceKind): boolean {
  return kind === 'aws-internal' || kind === 'aws-service';
}
