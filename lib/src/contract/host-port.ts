/** `host:port` (CLOUD_TASKS_EMULATOR_HOST) split; `[::1]:8123` works, a scheme is tolerated. */
export function splitHostPort(value: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(value.trim().replace(/^https?:\/\//, ''));
  if (!match) throw new Error(`CLOUD_TASKS_EMULATOR_HOST must be host:port (e.g. 127.0.0.1:8123), got "${value}"`);
  return { host: match[1], port: Number(match[2]) };
}

/** The inverse: `host:port`, an IPv6 host in brackets (`[::1]:8123`). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
