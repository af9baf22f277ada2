// Loaded with `node --require` into a server under test: writes a fingerprint of the built-in
// prototypes to PROTOTYPE_PROBE_FILE at start and every 100 ms, so a test can tell whether a
// request changed Object.prototype (or Array's, Function's, String's) inside the server process.
// Each write goes to a temporary file renamed over the probe file, so a reader never sees a
// half-written one (a plain writeFileSync truncates first, and a read in between gets '').
const { renameSync, writeFileSync } = require('node:fs');
const file = process.env.PROTOTYPE_PROBE_FILE;
const planted = ['polluted', 'isAdmin', 'hacked'];
function fingerprint() {
  const prototypes = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype, String: String.prototype };
  const names = Object.entries(prototypes).map(([name, proto]) => `${name}:${Object.getOwnPropertyNames(proto).sort().join(',')}`);
  return `${names.join('|')}|planted:${planted.filter((key) => key in {} || key in []).join(',')}`;
}
if (file) {
  const first = fingerprint();
  const write = () => {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ first, now: fingerprint(), at: Date.now() }));
    renameSync(temporary, file);
  };
  write();
  setInterval(write, 100).unref();
}
