/**
 * Whose OIDC tokens the handler trusts, and where their signing keys are, in one place: the
 * handler verifies against these, the test kit serves and signs with them, and the emulator signs
 * as its own issuer (a copy that drifted would send tests to the network).
 */

/** Cloud Tasks' OIDC tokens come from Google's account issuer; nothing else is accepted in production. */
export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
/** Google's token signing keys as a JWK set (RFC 7517), the `jwks_uri` of https://accounts.google.com. */
export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

/**
 * The local emulator signs OIDC tokens with its own key, as this issuer; the handler trusts it
 * only when CLOUD_TASKS_EMULATOR_HOST is set (never on Cloud Run).
 */
export const EMULATOR_ISSUER = 'https://cloud-tasks-emulator.local';
/** The emulator's keys as a JWK set, as at GOOGLE_JWKS_URL: what the handler verifies its tokens with. */
export const EMULATOR_JWKS_PATH = '/oauth2/v3/certs';
/**
 * The same keys in Google's older PEM format (`{ kid: PEM }`, as at
 * https://www.googleapis.com/oauth2/v1/certs), for clients that verify with google-auth-library.
 */
export const EMULATOR_PEM_CERTS_PATH = '/oauth2/v1/certs';
/** The emulator's OpenID Connect discovery document (issuer, jwks_uri), as https://accounts.google.com serves one. */
export const EMULATOR_OIDC_DISCOVERY_PATH = '/.well-known/openid-configuration';
