// Loaded with `node --require` into a server under test: appends to MODULE_PROBE_FILE the first
// load of each watched package, so a test can tell what a request path really loaded.
const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const file = process.env.MODULE_PROBE_FILE;
const watched = ['@google-cloud/tasks', 'google-gax', '@grpc/grpc-js', '@google-cloud/storage'];
const seen = new Set();
const load = Module._load;
Module._load = function (request, ...rest) {
  const hit = watched.find((name) => request === name || request.includes(`/node_modules/${name}/`));
  if (file && hit && !seen.has(hit)) {
    seen.add(hit);
    appendFileSync(file, `${hit}\n`);
  }
  return load.call(this, request, ...rest);
};
