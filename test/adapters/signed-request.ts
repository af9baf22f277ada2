import { setupServer } from 'msw/node';
import { encodeEnvelope } from '@/lib/src/contract/envelope';
import { OUTCOME_HEADER } from '@/lib/src/contract/outcomes';
import { googleCertsHandler } from 'next-cloud-tasks/testing/msw';
import { createSigningKey, signIdToken } from '@/lib/src/testing/oidc-tokens';
import type { AuthCase, ContractDelivery, ContractResult } from './contract-suite';
import type { CloudTasksOptions } from 'next-cloud-tasks';

const AUDIENCE = 'https://app.example.com';
const EMAIL = 'tasks@my-project.iam.gserviceaccount.com';
const key = createSigningKey();

/** The handler's configuration, and Google's keys served by msw for the key that signs the requests. */
export const HANDLER_CONFIG: CloudTasksOptions = { audience: AUDIENCE, allowedEmails: [EMAIL] };
export const certsServer = setupServer(googleCertsHandler([key]));

/** Every refused token, as Google's key (or a forger) would sign it. */
export const EVERY_AUTH_CASE: readonly AuthCase[] = [
  'none',
  'malformed',
  'bad-signature',
  'expired',
  'wrong-audience',
  'wrong-issuer',
  'another-account',
];

async function authorization(token: AuthCase | 'valid'): Promise<string | undefined> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { aud: AUDIENCE, email: EMAIL };
  switch (token) {
    case 'none':
      return undefined;
    case 'malformed':
      return 'Bearer not-a-jwt';
    case 'bad-signature': {
      const [header, payload] = (await signIdToken(key, claims)).split('.');
      return `Bearer ${header}.${payload}.${(await signIdToken(createSigningKey(key.kid), claims)).split('.')[2]}`;
    }
    case 'expired':
      return `Bearer ${await signIdToken(key, { ...claims, iat: now - 7200, exp: now - 3600 })}`;
    case 'wrong-audience':
      return `Bearer ${await signIdToken(key, { ...claims, aud: 'https://another-app.example.com' })}`;
    case 'wrong-issuer':
      return `Bearer ${await signIdToken(key, { ...claims, iss: 'https://issuer.example.com' })}`;
    case 'another-account':
      return `Bearer ${await signIdToken(key, { ...claims, email: 'someone@another-project.iam.gserviceaccount.com' })}`;
    case 'valid':
      return `Bearer ${await signIdToken(key, claims)}`;
  }
}

/** A delivery as Cloud Tasks makes it: POST, an OIDC token (valid unless `token` says), the X-CloudTasks headers, the envelope. */
export async function signedTaskRequest({ functionId, args }: ContractDelivery, token: AuthCase | 'valid' = 'valid'): Promise<Request> {
  const bearer = await authorization(token);
  return new Request(`http://localhost:3000/_ah/queue/deferred/${functionId}`, {
    method: 'POST',
    headers: {
      ...(bearer && { authorization: bearer }),
      'content-type': 'application/json',
      'x-cloudtasks-queuename': 'default',
      'x-cloudtasks-taskname': `contract-${functionId}`,
      'x-cloudtasks-taskretrycount': '0',
      'x-cloudtasks-taskexecutioncount': '0',
    },
    body: encodeEnvelope(functionId, args),
  });
}

/** The answer as Cloud Tasks reads it: the status, and the outcome the handler names in its header. */
export const contractResult = (response: Response): ContractResult => ({
  status: response.status,
  outcome: response.headers.get(OUTCOME_HEADER) ?? '',
});
