/**
 * Preloaded into a server (`NODE_OPTIONS=--require .../outbound-guard.cjs`) to prove what it does
 * on the network: every connection or name lookup to anything but loopback is REFUSED here, before
 * a packet leaves (so a test can never reach 169.254.169.254, a metadata server or Google), and
 * recorded, one JSON line per attempt, in the file OUTBOUND_GUARD_LOG names, with the stack that
 * made it. Loopback (127.0.0.0/8, ::1, localhost) and local sockets (IPC paths) pass.
 */
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');

const LOG = process.env.OUTBOUND_GUARD_LOG;

function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true; // Node's default host is localhost
  const bare = String(host)
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

function record(kind, target) {
  const line = JSON.stringify({ kind, target, pid: process.pid, stack: new Error().stack.split('\n').slice(2, 14).join('\n') });
  if (LOG) fs.appendFileSync(LOG, `${line}\n`);
}

function refusal(target) {
  return Object.assign(new Error(`connect ECONNREFUSED ${target} (refused by the test's outbound guard: not loopback)`), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
  });
}

/** Where a Socket#connect call goes: `connect(options)`, `connect([options, cb])` (net's normalized form), `connect(port, host)`, `connect(path)`. */
function targetOf(args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (first && typeof first === 'object') return first.path ? { local: true } : { host: first.host, port: first.port };
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { local: true }; // an IPC path
  return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first };
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const target = targetOf(args);
  if (target.local || isLoopback(target.host)) return connect.apply(this, args);
  const where = `${target.host}:${target.port}`;
  record('connect', where);
  process.nextTick(() => this.destroy(refusal(where)));
  return this;
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  if (isLoopback(hostname) || net.isIP(hostname)) return lookup.call(this, hostname, options, callback);
  record('dns', hostname);
  process.nextTick(() =>
    done(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (refused by the test's outbound guard)`), { code: 'ENOTFOUND' })),
  );
  return {};
};

const lookupPromise = dns.promises.lookup;
dns.promises.lookup = async function guardedLookupPromise(hostname, options) {
  if (isLoopback(hostname) || net.isIP(hostname)) return lookupPromise.call(this, hostname, options);
  record('dns', hostname);
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (refused by the test's outbound guard)`), { code: 'ENOTFOUND' });
};

// Resolver queries (dns.resolve*) send UDP to the configured name server: none is allowed.
for (const api of [dns, dns.promises, dns.Resolver.prototype, dns.promises.Resolver.prototype]) {
  for (const name of Object.getOwnPropertyNames(api).filter((key) => /^resolve/.test(key) && typeof api[key] === 'function')) {
    api[name] = function guardedResolve(hostname) {
      record('dns-resolve', String(hostname));
      throw Object.assign(new Error(`${name} ${hostname} refused by the test's outbound guard`), { code: 'ECONNREFUSED' });
    };
  }
}
