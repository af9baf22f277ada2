/**
 * What the app and the local emulator agree on. The emulator signs OIDC tokens with its own key;
 * the handler trusts that issuer only when CLOUD_TASKS_EMULATOR_HOST is set (never on Cloud Run).
 */
export const EMULATOR_ISSUER = 'https://cloud-tasks-emulator.local';
/** Google's PEM format (`{ kid: PEM }`), as at https://www.googleapis.com/oauth2/v1/certs. */
export const EMULATOR_PEM_CERTS_PATH = '/oauth2/v1/certs';
/** The same keys as a JWKS, as at https://www.googleapis.com/oauth2/v3/certs. */
export const EMULATOR_JWKS_PATH = '/oauth2/v3/certs';
/**
 * Response header the handler sets on every answer so that the emulator (and logs) can tell
 * a permanent failure (2xx, but dead-lettered) from a success.
 */
export const OUTCOME_HEADER = 'x-deferred-outcome';
/** OUTCOME_HEADER's value when the handler dead-lettered the task (its status may still be 2xx). */
export const DEAD_LETTERED_OUTCOME = 'dead-lettered';
/**
 * Response header the handler adds when the dead-letter sink kept the task as a task of a
 * dead-letter queue: its full name. The emulator then drops the original, as Cloud Tasks does
 * after a 2xx, instead of keeping a second dead copy on its dashboard.
 */
export const DEAD_LETTER_KEPT_HEADER = 'x-deferred-kept-as';
