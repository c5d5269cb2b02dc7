// Loaded into a gateway process with `NODE_OPTIONS="--expose-gc --import <this file>"` (see
// heap-probe.ts): on SIGUSR2 it collects garbage and prints one `heap-probe {…}` line with
// process.memoryUsage(), so a test reads the heap of a real process without an inspector.
process.on('SIGUSR2', () => {
  for (let i = 0; i < 3; i += 1) globalThis.gc?.();
  const { heapUsed, heapTotal, rss, external, arrayBuffers } = process.memoryUsage();
  process.stdout.write(
    `heap-probe ${JSON.stringify({ heapUsed, heapTotal, rss, external, arrayBuffers })}\n`,
  );
});
