import { inject } from 'vitest';
import { CfnResolver, type CfnTemplate } from './cfn-resolver.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The CloudFormation that `serverless package` generated for the test stage (see package-service.ts). */
    packagedTemplate: CfnTemplate;
    /** The same with every param at its serverless.yml default. */
    defaultTemplate: CfnTemplate;
    /** The zips of the configured stage's package (source maps on). */
    packagedArtifacts: PackagedArtifacts;
    /** The zips of the package with every param at its default. */
    defaultArtifacts: PackagedArtifacts;
  }
}

/** A package's zips by file name (`scheduledAudit.zip`). */
export type PackagedArtifacts = Record<
  string,
  {
    bytes: number;
    files: { name: string; size: number }[];
    /** npm packages named by the zip's source maps (empty without maps). */
    packages: string[];
    /** Their files the maps name, from the package's folder (`zod/v4/locales/en.js`). */
    packageFiles: string[];
  }
>;

/** The zips of the configured package or of the all-defaults one. */
export function packagedArtifacts(which: 'configured' | 'defaults'): PackagedArtifacts {
  const artifacts = inject(which === 'configured' ? 'packagedArtifacts' : 'defaultArtifacts');
  if (!artifacts)
    throw new Error('No packaged artifacts: this test belongs under test/deploy/ (vitest project "deploy")');
  return artifacts;
}

/** The packaged template of this test run; only in the `deploy` project (test/deploy/). */
export function packagedTemplate(): CfnTemplate {
  const template = inject('packagedTemplate');
  if (!template)
    throw new Error('No packaged template: this test belongs under test/deploy/ (vitest project "deploy")');
  return template;
}

/** A resolver for the packaged template of the test stage. */
export function packagedResolver(): CfnResolver {
  return new CfnResolver(packagedTemplate());
}

/** A resolver for the template packaged with every param at its default (a first deployment). */
export function defaultResolver(): CfnResolver {
  const template = inject('defaultTemplate');
  if (!template)
    throw new Error('No packaged template: this test belongs under test/deploy/ (vitest project "deploy")');
  return new CfnResolver(template);
}
