/** The code and message of an AWS SDK error (or anything thrown), for the report's error entries. */
export function describeAwsError(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { Code?: unknown }).Code;
    return {
      code: typeof code === 'string' && code ? code : error.name || 'Error',
      message: error.message || 'no message from AWS',
    };
  }
  return { code: 'Error', message: String(error) };
}

/** True for IAM's "no such user / no such key" answers. */
export function isNoSuchEntity(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NoSuchEntityException' || error.name === 'NoSuchEntity');
}
