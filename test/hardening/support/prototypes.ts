/**
 * A fingerprint of the built-in prototypes a pollution attack would change: the own property
 * names of each, plus a probe of the property names the battery's payloads try to plant.
 */
export const PLANTED = ['polluted', 'isAdmin', 'hacked'];

export function prototypeFingerprint(): string {
  const prototypes = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype, String: String.prototype };
  const names = Object.entries(prototypes).map(([name, proto]) => `${name}:${Object.getOwnPropertyNames(proto).sort().join(',')}`);
  const probe = {} as Record<string, unknown>;
  const planted = PLANTED.filter((key) => key in probe || key in []);
  return `${names.join('|')}|planted:${planted.join(',')}`;
}
