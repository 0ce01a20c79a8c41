/**
 * How the Redis backplane behaves while Redis is in trouble: commands fail fast instead of
 * queueing, are never resent, and every failure reaches callers as backplane_unavailable.
 */
import { ProtocolError } from '../../protocol/errors.ts';

/** Reconnect delay: 50 ms, growing to 1 s at most (Redis back within a second is back for us). */
function retryStrategy(times: number): number {
  return Math.min(50 * times, 1000);
}

/** ioredis options shared by the command and the subscriber connection. */
export function failFast(commandTimeoutMs: number) {
  return {
    // Fail fast while disconnected; a caller gets backplane_unavailable at once.
    enableOfflineQueue: false,
    // Reject in-flight commands when the connection drops, and never resend them: a
    // publish script that may already have run must not run twice.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
    retryStrategy,
    connectTimeout: 2000,
  };
}

/** A Redis failure as callers see it (HTTP answers it 503). A ProtocolError passes unchanged. */
export function unavailable(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  // ioredis words "disconnected" several ways; clients only need to know it is not there.
  const reason = /offline ?queue|not connected|connection is closed|writeable/i.test(raw) ? 'not connected' : raw;
  return new ProtocolError('backplane_unavailable', `the backplane (Redis) cannot be reached (${reason}); retry`);
}

/** For promise chains: `.then(ok, rethrowUnavailable)`. */
export function rethrowUnavailable(error: unknown): never {
  throw unavailable(error);
}
