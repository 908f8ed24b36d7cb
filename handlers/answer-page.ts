import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { handleAnswerRequest } from '../src/answer/answer-request.js';
import { createAnswerRuntime } from '../src/runtime/answer-runtime.js';
import { handlerChain } from '../src/runtime/handler-chain.js';

const runtime = createAnswerRuntime(process.env);

/**
 * The answer page behind a function URL (auth NONE: the signed link is the credential). GET shows
 * the key and the form and changes nothing; POST records the owner's answer once and acts on it.
 */
export const handler = handlerChain(runtime).handler(
  async (input: unknown): Promise<LambdaFunctionURLResult> => {
    // A function URL delivers this shape only; nothing else invokes the function.
    const event = input as LambdaFunctionURLEvent;
    const body = event.body
      ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8')
      : '';
    return handleAnswerRequest(await runtime.answerDeps(), runtime.answerSettings, {
      method: event.requestContext?.http?.method ?? '',
      query: event.queryStringParameters ?? {},
      body,
    });
  },
);
