// Preloaded (NODE_OPTIONS=--import …/heap-snapshot-hook.js) into a server that
// scripts/heap-per-connection.ts starts with bench/targets/gc-hook.js: on request over the IPC
// channel it writes a heap snapshot to the path it is given (V8 collects garbage fully before
// taking one), so the script can count what each connection keeps, by constructor.
// Plain JS: it runs before tsx is registered. A diagnostic only: nothing in pushlab loads it.
import { writeHeapSnapshot } from 'node:v8';

if (typeof process.send === 'function') {
  process.on('message', (message) => {
    if (message === null || typeof message !== 'object' || message.type !== 'pushlab-heap-snapshot') return;
    const path = writeHeapSnapshot(message.path);
    process.send?.({ type: 'pushlab-heap-snapshot', id: message.id, path });
  });
  process.channel?.unref();
}
