import { inject } from 'vitest';
import { CfnResolver, type CfnTemplate } from './cfn-resolver.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The CloudFormation that `serverless package` generated for the test stage (see package-service.ts). */
    packagedTemplate: CfnTemplate;
    /** The same with every param at its serverless.yml default. */
    defaultTemplate: CfnTemplate;
  }
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
