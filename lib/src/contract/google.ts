/**
 * What the handler trusts from Google, in one place: the handler verifies against these, and the
 * test kit serves and signs with them (a copy that drifted would send tests to the network).
 */
/** Cloud Tasks' OIDC tokens come from Google's account issuer; nothing else is accepted. */
export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
/** Google's signing certs as `{ kid: PEM }`. */
export const GOOGLE_PEM_CERTS_URL = 'https://www.googleapis.com/oauth2/v1/certs';
