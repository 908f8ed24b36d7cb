/**
 * The Powertools logger, metrics and tracer every function builds at cold start, named alike, and
 * the region it runs in: one place, so the functions' logs and metrics read as one service.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export interface Powertools {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
  region: string;
}

export function createPowertools(env: Readonly<Record<string, string | undefined>>): Powertools {
  const serviceName = env.POWERTOOLS_SERVICE_NAME ?? 'key-hygiene';
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({
      namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'KeyHygiene',
      serviceName: 'key-hygiene',
    }),
    tracer: new Tracer({ serviceName }),
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
  };
}
