/**
 * A task created through the emulator's REST API, as a client outside the app would create it
 * (gcloud, another service): an HTTP target on the app, with the app's OIDC token. Tests use it to
 * show what arrives by the emulator's own dispatch, signed by the emulator, without the adapter.
 */
export interface EmulatorTaskTarget {
  /** The emulator's base URL. */
  emulatorUrl: string;
  /** The app's environment as the emulator prints it (project, location, service account). */
  appEnv: Record<string, string>;
  queue: string;
  /** The app's URL the task calls. */
  url: string;
  /** The request body, sent as JSON. */
  body: Uint8Array | string;
  audience: string;
}

/** Creates the task; resolves with the emulator's answer. */
export function createEmulatorTask({ emulatorUrl, appEnv, queue, url, body, audience }: EmulatorTaskTarget): Promise<Response> {
  const queuePath = `projects/${appEnv.GOOGLE_CLOUD_PROJECT}/locations/${appEnv.CLOUD_TASKS_LOCATION}/queues/${queue}`;
  return fetch(`${emulatorUrl}/v2/${queuePath}/tasks`, {
    method: 'POST',
    // The emulator's REST API takes JSON only (a browser cannot send it cross-site without a preflight).
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      task: {
        httpRequest: {
          url,
          httpMethod: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: Buffer.from(body).toString('base64'),
          oidcToken: { serviceAccountEmail: appEnv.DEFERRED_SERVICE_ACCOUNT, audience },
        },
      },
    }),
  });
}
