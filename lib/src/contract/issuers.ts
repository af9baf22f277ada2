/**
 * Whose OIDC tokens the handler trusts, and where their signing keys are, in one place: the
 * handler verifies against these, the test kit serves and signs with them, and the emulator signs
 * as its own issuer (a copy that drifted would send tests to the network).
 */

/** Cloud Tasks' OIDC tokens come from Google's account issuer; nothing else is accepted in production. */
export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
/** Google's signing certs as `{ kid: PEM }`. */
export const GOOGLE_PEM_CERTS_URL = 'https://www.googleapis.com/oauth2/v1/certs';

/**
 * The local emulator signs OIDC tokens with its own key, as this issuer; the handler trusts it
 * only when CLOUD_TASKS_EMULATOR_HOST is set (never on Cloud Run).
 */
export const EMULATOR_ISSUER = 'https://cloud-tasks-emulator.local';
/** The emulator's keys in Google's PEM format (`{ kid: PEM }`), as at GOOGLE_PEM_CERTS_URL. */
export const EMULATOR_PEM_CERTS_PATH = '/oauth2/v1/certs';
/** The same keys as a JWKS, as at https://www.googleapis.com/oauth2/v3/certs. */
export const EMULATOR_JWKS_PATH = '/oauth2/v3/certs';
/** The emulator's OpenID Connect discovery document (issuer, jwks_uri), as https://accounts.google.com serves one. */
export const EMULATOR_OIDC_DISCOVERY_PATH = '/.well-known/openid-configuration';
