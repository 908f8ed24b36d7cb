/**
 * The AWS Health event AWS sends when it finds one of the account's access keys in public, as
 * EventBridge delivers it. Matched on the event type code: AWS's samples say `service: RISK`, and
 * the service name is not part of the contract the rule relies on.
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import * as z from 'zod';

export const EXPOSED_EVENT_TYPE = 'AWS_RISK_CREDENTIALS_EXPOSED';

/** A long-term key id: only those can leak this way (temporary `ASIA` keys expire). */
const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/;

export const exposedKeyEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.health'),
  'detail-type': z.literal('AWS Health Event'),
  account: z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits'),
  detail: z.object({
    eventArn: z.string().min(1),
    eventTypeCode: z.literal(EXPOSED_EVENT_TYPE),
    eventTypeCategory: z.string().optional(),
    service: z.string().optional(),
    startTime: z.string().optional(),
    affectedEntities: z
      .array(
        z.object({
          entityValue: z
            .string()
            .regex(ACCESS_KEY_ID, 'expected an access key id (AKIA and 16 letters or digits)'),
        }),
      )
      .min(1, 'expected at least one affected entity (the exposed access key id)'),
  }),
});

/** An exposed-key event, validated. */
export type ExposedKeyEvent = z.infer<typeof exposedKeyEventSchema>;

export class HealthEventError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HealthEventError';
  }
}

/**
 * Why the schema refuses `input`, every bad field named by its path
 * (`detail.affectedEntities.0.entityValue: expected an access key id ...`); null when it accepts it.
 */
export function healthEventError(input: unknown): HealthEventError | null {
  const parsed = exposedKeyEventSchema.safeParse(input);
  if (parsed.success) return null;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`,
  );
  return new HealthEventError(`Not an ${EXPOSED_EVENT_TYPE} AWS Health event: ${problems.join('; ')}`);
}
