import { setupServer } from 'msw/node';
import { encodeEnvelope, OUTCOME_HEADER, type HandlerConfig } from 'next-cloud-tasks/internals';
import { googleCertsHandler } from 'next-cloud-tasks/testing/msw';
import { createSigningKey, signIdToken } from '@/lib/src/testing/oidc-tokens';
import type { ContractDelivery, ContractResult } from './contract-suite';

const AUDIENCE = 'https://app.example.com';
const EMAIL = 'tasks@my-project.iam.gserviceaccount.com';
const key = createSigningKey();

/** The handler's configuration, and Google's keys served by msw for the key that signs the requests. */
export const HANDLER_CONFIG: HandlerConfig = { audience: AUDIENCE, allowedEmails: [EMAIL] };
export const certsServer = setupServer(googleCertsHandler([key]));

/** A delivery as Cloud Tasks makes it: POST, a signed OIDC token, the X-CloudTasks headers, the envelope. */
export async function signedTaskRequest({ functionId, args }: ContractDelivery): Promise<Request> {
  return new Request(`http://localhost:3000/_ah/queue/deferred/${functionId}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await signIdToken(key, { aud: AUDIENCE, email: EMAIL })}`,
      'content-type': 'application/json',
      'x-cloudtasks-queuename': 'default',
      'x-cloudtasks-taskname': `contract-${functionId}`,
      'x-cloudtasks-taskretrycount': '0',
      'x-cloudtasks-taskexecutioncount': '0',
    },
    body: encodeEnvelope(functionId, args),
  });
}

export const contractResult = (response: Response): ContractResult => {
  const outcome = response.headers.get(OUTCOME_HEADER) ?? '';
  return { status: response.status, outcome, deadLettered: outcome === 'dead-lettered' };
};
