/**
 * Where the emulator may send a task. Every delivery carries the task's headers and, usually, an
 * OIDC token the emulator signed, so a task aimed anywhere would make the emulator a relay: to a
 * cloud metadata server (169.254.169.254 answers `Metadata-Flavor: Google` with credentials), or
 * to a machine on the developer's network. By default it sends only to loopback; the developer
 * names other hosts (`--allow-target-host`, CLOUD_TASKS_EMULATOR_ALLOWED_HOSTS: an app in a
 * container). Link-local and metadata addresses are refused even when named.
 *
 * Checked twice: at CreateTask, on the URL (a clear INVALID_ARGUMENT), and at each delivery, on
 * the addresses the name resolves to (DNS may change after create); the connection then goes to
 * exactly the address that was checked, so a rebinding DNS answer cannot slip in between.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { ENV } from '../contract/env.js';

/** The CLI flag and environment variable that name extra target hosts (error messages point at them). */
export const ALLOW_TARGET_HOST_FLAG = '--allow-target-host';
export const ALLOWED_HOSTS_ENV = ENV.emulatorAllowedHosts.name;

/** Never a target: link-local (where clouds put their metadata servers) and known metadata addresses. */
const NEVER = new BlockList();
NEVER.addSubnet('169.254.0.0', 16, 'ipv4'); // IPv4 link-local; 169.254.169.254 is GCP's, AWS's, Azure's metadata server
NEVER.addSubnet('fe80::', 10, 'ipv6'); // IPv6 link-local
NEVER.addAddress('fd00:ec2::254', 'ipv6'); // AWS's IPv6 metadata server
NEVER.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud's metadata server
NEVER.addSubnet('64:ff9b::a9fe:0', 112, 'ipv6'); // 169.254.0.0/16 through NAT64
const NEVER_NAMES = new Set(['metadata.google.internal', 'metadata']);

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The refusal of a target; `code` lets the dispatcher tell it from a connection error. */
export class TargetRefusedError extends Error {
  override name = 'TargetRefusedError';
  readonly code = 'ERR_TARGET_REFUSED';
}

/** A URL's hostname without IPv6 brackets or a trailing dot, lower case: `[::1]` -> `::1`. */
function bareHost(hostname: string): string {
  return hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

function isNever(host: string): boolean {
  if (NEVER_NAMES.has(host)) return true;
  return isIP(host) !== 0 && NEVER.check(host, familyOf(host));
}

const isLoopbackAddress = (address: string) => isIP(address) !== 0 && LOOPBACK.check(address, familyOf(address));
const isLoopbackName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/**
 * One `--allow-target-host` value as the policy compares it: a host name or an IP address, no
 * scheme, port or path. Throws a message naming the flag for anything else, or for a host that
 * is never a target.
 */
export function normalizeAllowedHost(input: string): string {
  const raw = input.trim();
  const v6 = raw.replace(/^\[(.*)\]$/, '$1');
  let hostname: string | undefined;
  if (raw !== '' && !/[/@?#\s]/.test(raw) && (isIP(v6) === 6 || !raw.includes(':'))) {
    try {
      hostname = new URL(`http://${isIP(v6) === 6 ? `[${v6}]` : raw}/`).hostname;
    } catch {
      hostname = undefined;
    }
  }
  if (hostname === undefined) {
    throw new Error(
      `${ALLOW_TARGET_HOST_FLAG} / ${ALLOWED_HOSTS_ENV}: "${input}" is not a host name or IP address ` +
        '(give the host alone, without scheme or port: e.g. host.docker.internal)',
    );
  }
  const host = bareHost(hostname);
  if (isNever(host)) {
    throw new Error(
      `${ALLOW_TARGET_HOST_FLAG} / ${ALLOWED_HOSTS_ENV}: "${input}" is a link-local or cloud metadata address; ` +
        'the emulator never sends tasks (with their tokens and headers) there',
    );
  }
  return host;
}

/** Splits a comma-separated list (the flag may repeat, the variable is one string). */
export function parseAllowedHosts(values: readonly string[]): string[] {
  return values
    .flatMap((value) => value.split(','))
    .filter((value) => value.trim() !== '')
    .map(normalizeAllowedHost);
}

/** Resolves a name to all its addresses (dns.lookup with `all: true`). */
export type Resolver = (hostname: string, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const notFound = (message: string) => Object.assign(new Error(message), { code: 'ENOTFOUND' });

const shorten = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text);

/** How many hosts' verdicts refuseUrl keeps: a dev setup has a handful; a flood of names only costs the check again. */
const VERDICTS_KEPT = 1000;

type Verdict = 'allowed' | 'never' | 'not-allowed';

export class TargetPolicy {
  private readonly allowed: ReadonlySet<string>;
  /**
   * refuseUrl's verdict per URL hostname: it depends on the host alone and the policy never
   * changes, and working it out again (BlockList checks, each making SocketAddress objects) was
   * ~10 us of every dispatch. The addresses a name resolves to are still checked at each
   * connection (lookup), where DNS may have changed.
   */
  private readonly verdicts = new Map<string, Verdict>();

  /**
   * `allowedHosts`: extra hosts, as given to the flag (normalized and checked here).
   * `resolve`: how names are resolved at delivery (tests pass a resolver that changes its answer).
   */
  constructor(
    allowedHosts: readonly string[] = [],
    private readonly resolve: Resolver = (hostname, callback) => dnsLookup(hostname, { all: true }, callback),
  ) {
    this.allowed = new Set(parseAllowedHosts(allowedHosts));
  }

  /** Why the emulator will not send to `url`, or undefined if it may (a name's addresses are checked at delivery). */
  refuseUrl(url: URL): string | undefined {
    const verdict = this.verdictFor(url.hostname);
    if (verdict === 'allowed') return undefined;
    const host = bareHost(url.hostname);
    const shown = shorten(url.href);
    if (verdict === 'never') {
      return (
        `${shown} targets ${host}, a link-local or cloud metadata address: the emulator never sends there, ` +
        `even when named with ${ALLOW_TARGET_HOST_FLAG}, since a task carries its headers and OIDC token`
      );
    }
    return (
      `${shown} targets ${host}, which is not loopback: the emulator sends tasks (with their headers and OIDC token) ` +
      `only to loopback and to hosts you name. Start it with ${ALLOW_TARGET_HOST_FLAG} ${host} ` +
      `(or ${ALLOWED_HOSTS_ENV}=${host}) to let it send there`
    );
  }

  private verdictFor(hostname: string): Verdict {
    let verdict = this.verdicts.get(hostname);
    if (verdict) return verdict;
    const host = bareHost(hostname);
    if (isNever(host)) verdict = 'never';
    else verdict = this.allowed.has(host) || isLoopbackAddress(host) || isLoopbackName(host) ? 'allowed' : 'not-allowed';
    if (this.verdicts.size >= VERDICTS_KEPT) this.verdicts.clear();
    this.verdicts.set(hostname, verdict);
    return verdict;
  }

  /** Why `host` may not be reached at `address` (what DNS said at delivery), or undefined. */
  refuseAddress(hostname: string, address: string): string | undefined {
    const host = bareHost(hostname);
    if (NEVER.check(address, familyOf(address))) {
      return `${host} resolves to ${address}, a link-local or cloud metadata address: the emulator never sends there`;
    }
    if (!this.allowed.has(host) && !isLoopbackAddress(address)) {
      const name = `name it with ${ALLOW_TARGET_HOST_FLAG} ${host} (or ${ALLOWED_HOSTS_ENV})`;
      return `${host} resolves to ${address}, which is not loopback; ${name} if the emulator should send there`;
    }
    return undefined;
  }

  /**
   * A `lookup` for http.request: resolves the name, refuses the connection if any address is
   * refused, and hands the socket the checked addresses only.
   */
  readonly lookup = (
    hostname: string,
    options: LookupOneOptions | LookupAllOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    this.resolve(hostname, (error, addresses) => {
      if (error) return callback(error, []);
      if (addresses.length === 0) return callback(notFound(`${hostname} resolves to no address`), []);
      for (const { address } of addresses) {
        const refused = this.refuseAddress(hostname, address);
        if (refused) return callback(new TargetRefusedError(refused), []);
      }
      // Only the address family the socket asked for, as dns.lookup would answer.
      const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
      const usable = family ? addresses.filter((entry) => entry.family === family) : addresses;
      if (usable.length === 0) return callback(notFound(`${hostname} has no IPv${family} address`), []);
      if ((options as LookupAllOptions).all) return callback(null, usable);
      callback(null, usable[0].address, usable[0].family);
    });
  };
}
