// autocannon ships no types; the benchmark uses a small part of its API.
declare module 'autocannon' {
  interface Result {
    non2xx: number;
    errors: number;
    timeouts: number;
    latency: { p50: number; p99: number };
    requests: { total: number };
  }
  function autocannon(options: Record<string, unknown>): Promise<Result>;
  export default autocannon;
}
