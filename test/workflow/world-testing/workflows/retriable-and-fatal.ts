import { FatalError, getStepMetadata, RetryableError } from 'workflow';

/** Asks for a retry in 2 s on its first try; the second returns how long after the first it ran. */
async function retryLater(): Promise<{ attempt: number; stepStartedAt: Date; duration: number }> {
  'use step';
  const { attempt, stepStartedAt } = getStepMetadata();
  if (attempt === 1) throw new RetryableError('not yet', { retryAfter: '2s' });
  return { attempt, stepStartedAt, duration: Date.now() - stepStartedAt.getTime() };
}

async function neverWorks(): Promise<void> {
  'use step';
  throw new FatalError('this step cannot succeed');
}

/** A RetryableError retries the step after its delay; a FatalError reaches the workflow at once. */
export async function retryableAndFatalErrorWorkflow() {
  'use workflow';
  const retryableResult = await retryLater();
  let gotFatalError = false;
  try {
    await neverWorks();
  } catch (error) {
    gotFatalError = FatalError.is(error);
  }
  return { retryableResult, gotFatalError };
}
