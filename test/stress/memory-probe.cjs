// Loaded with `node --expose-gc --require` into a server under test: every 500 ms, collects
// garbage and writes the heap in use to MEMORY_PROBE_FILE, so a test can compare the live heap
// before and after a run (RSS alone keeps pages the allocator has not returned). Written to a
// temporary file and renamed, so a reader never sees a half-written file.
const { renameSync, writeFileSync } = require('node:fs');
const file = process.env.MEMORY_PROBE_FILE;
if (file && typeof global.gc === 'function') {
  setInterval(() => {
    global.gc();
    const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ heapUsed, rss, external, arrayBuffers, at: Date.now() }));
    renameSync(temporary, file);
  }, 500).unref();
}
