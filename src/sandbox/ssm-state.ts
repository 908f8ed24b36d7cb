export interface SandboxParameter {
  name: string;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  /** Counts writes, as SSM's `Version` does. */
  version: number;
  lastModified: Date;
}

/** Creates or overwrites a parameter of one account (the fixture, and the `/_sandbox/parameters` test aid). */
export function putParameter(
  parameters: Map<string, SandboxParameter>,
  parameter: Pick<SandboxParameter, 'name' | 'type' | 'value'>,
  now: Date,
): SandboxParameter {
  const previous = parameters.get(parameter.name);
  const stored: SandboxParameter = {
    ...parameter,
    version: (previous?.version ?? 0) + 1,
    lastModified: now,
  };
  parameters.set(parameter.name, stored);
  return stored;
}
