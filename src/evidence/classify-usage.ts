/**
 * What kind of user a key has, from its usage summary: the profile decides which way off long-term
 * keys fits (an OIDC role for a pipeline, a function or instance role on AWS, Roles Anywhere
 * elsewhere, Identity Center for a person). Pure. A key whose evidence points two ways stays
 * `unknown`: a wrong profile would give the owner the wrong advice.
 */
import type { USAGE_PROFILES } from '../model.js';
import type { EvidenceSummary } from './summarize-events.js';

/** A key's usage profile: one of the report's `USAGE_PROFILES` (src/model.ts). */
export type UsageProfile = (typeof USAGE_PROFILES)[number];

export interface UsageClassification {
  profile: UsageProfile;
  /** The evidence that decided it, a few short sentences. */
  reasons: string[];
}

/** The share of events a signal must hold to decide: 4 calls in 5. */
const DOMINANT = 0.8;
/** Fewer events than this are too few to tell anything. */
const MIN_EVENTS = 5;
/** A workload runs from a few stable addresses; a person from many. */
const STABLE_SOURCES = 3;
const VARIED_SOURCES = 3;

const percent = (part: number, whole: number) => `${Math.round((part / whole) * 100)} %`;

/** The profile of a key and why. */
export function classifyUsage(summary: EvidenceSummary): UsageClassification {
  const { events, signals, distinctPublicSources } = summary;
  if (events < MIN_EVENTS) {
    return {
      profile: 'unknown',
      reasons: [`only ${events} event${events === 1 ? '' : 's'} read: too few to tell`],
    };
  }
  const share = (count: number) => count / events;
  const names = (kinds: readonly string[]) =>
    summary.agents
      .filter((agent) => kinds.includes(agent.kind))
      .map((agent) => agent.value)
      .join(', ');
  const runtimes = (on: string) =>
    summary.runtimes
      .filter((runtime) => runtime.on === on)
      .map((runtime) => runtime.value)
      .join(', ');
  const decided: UsageClassification[] = [];
  if (share(signals.pipeline) >= DOMINANT) {
    const ci = runtimes('ci');
    const tools = names(['infrastructure']);
    decided.push({
      profile: 'pipeline',
      reasons: [
        `${percent(signals.pipeline, events)} of calls from infrastructure or CI tools`,
        ...(tools ? [`tools: ${tools}`] : []),
        ...(ci ? [`CI: ${ci}`] : []),
      ],
    });
  }
  if (share(signals.onAws) >= DOMINANT) {
    const sources = summary.sources.filter((source) => source.kind !== 'ipv4' && source.kind !== 'ipv6');
    const hosts = runtimes('aws');
    decided.push({
      profile: 'workload-on-aws',
      reasons: [
        `${percent(signals.onAws, events)} of calls from inside AWS`,
        ...(sources.length > 0 ? [`sources: ${sources.map((source) => source.value).join(', ')}`] : []),
        ...(hosts ? [`runs on: ${hosts}`] : []),
      ],
    });
  }
  if (
    share(signals.sdk) >= DOMINANT &&
    distinctPublicSources <= STABLE_SOURCES &&
    share(signals.onAws) < DOMINANT
  ) {
    if (distinctPublicSources > 0) {
      decided.push({
        profile: 'workload-elsewhere',
        reasons: [
          `${percent(signals.sdk, events)} of calls from an SDK (${names(['sdk'])})`,
          `from ${distinctPublicSources} stable address${distinctPublicSources === 1 ? '' : 'es'} outside AWS`,
        ],
      });
    }
  }
  if (share(signals.interactive) >= DOMINANT && distinctPublicSources >= VARIED_SOURCES) {
    decided.push({
      profile: 'person',
      reasons: [
        `${percent(signals.interactive, events)} of calls from ${names(['cli', 'console'])}`,
        `from ${distinctPublicSources} different addresses`,
      ],
    });
  }
  const [only, ...others] = decided;
  if (only && others.length === 0) return only;
  if (only) {
    return {
      profile: 'unknown',
      reasons: [`the evidence points to ${decided.map((d) => d.profile).join(' and ')}`],
    };
  }
  return { profile: 'unknown', reasons: mixedReasons(summary) };
}

/** Why nothing decided: the mix of agents and addresses, as the analyst would read it. */
function mixedReasons(summary: EvidenceSummary): string[] {
  const agents = summary.agents
    .map((agent) => `${agent.value} ${percent(agent.count, summary.events)}`)
    .join(', ');
  return [
    `no kind of caller makes ${percent(DOMINANT, 1)} of calls: ${agents}`,
    `${summary.distinctPublicSources} address${summary.distinctPublicSources === 1 ? '' : 'es'} outside AWS`,
  ];
}
