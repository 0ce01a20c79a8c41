/**
 * The Node EventSource factory for load workers, wrapped only to keep hold of live streams so
 * `--faults` can cut their connections (the client's EventSource resumes with Last-Event-ID).
 */
import { cutEventSource, nodeEventSource } from '../../../clients/node/event-source.ts';
import type { EventSourceFactory, EventSourceLike } from '../../../clients/platform.ts';

const live = new Set<EventSourceLike>();

export const trackedEventSource: EventSourceFactory = {
  ...nodeEventSource,
  open(url, headers) {
    const source = nodeEventSource.open(url, headers);
    live.add(source);
    const close = source.close.bind(source);
    source.close = () => {
      live.delete(source);
      close();
    };
    return source;
  },
};

/** Kill the connection under every live stream of this process, as a network fault would. */
export function cutLiveEventSources(): void {
  for (const source of live) cutEventSource(source);
}
