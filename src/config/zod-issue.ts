import type * as z from 'zod';

/** A zod 4 issue; aliased so the config modules name it one way. */
export type ZodIssue = z.core.$ZodIssue;
