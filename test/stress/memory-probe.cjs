// Loaded with `node --expose-gc --require` into a server under test: every 500 ms, collects
// garbage and writes the heap in use to MEMORY_PROBE_FILE, so a test can compare the live heap
// before and after a run (RSS alone keeps pages the allocator has not returned).
const { writeFileSync } = require('node:fs');
const file = process.env.MEMORY_PROBE_FILE;
if (file && typeof global.gc === 'function') {
  setInterval(() => {
    global.gc();
    const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
    writeFileSync(file, JSON.stringify({ heapUsed, rss, external, arrayBuffers, at: Date.now() }));
  }, 500).unref();
}
