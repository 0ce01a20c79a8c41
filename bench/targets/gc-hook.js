// Preloaded (`node --expose-gc --import …/gc-hook.js`) into the servers the bench starts, so the
// bench can ask for a full GC and the heap right after it over the IPC channel — for heap per
// connection after GC (bench/targets/gc-heap.ts). Plain JS: it runs before tsx is registered.
// Nothing of it is in pushlab's servers or public API: without --expose-gc or an IPC channel
// (every server not started by the bench) it does nothing. It only answers a message the bench
// sends twice a run, outside the measured window: never on a hot path.
const gc = globalThis.gc;
if (typeof gc === 'function' && typeof process.send === 'function') {
  process.on('message', (message) => {
    if (message === null || typeof message !== 'object' || message.type !== 'pushlab-gc') return;
    // Twice: objects freed by the first pass's finalizers (weak callbacks) go in the second.
    gc();
    gc();
    process.send?.({ type: 'pushlab-gc', id: message.id, heapUsedBytes: process.memoryUsage().heapUsed });
  });
  // The channel must not keep a server alive past its own shutdown (SIGTERM → exit 0).
  process.channel?.unref();
}
