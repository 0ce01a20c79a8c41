/**
 * The error catalog: one stable code per failure, its HTTP status and a default message.
 * Servers, clients and docs/protocol.md all read from here; test/errors.test.ts checks the
 * table in the docs against it, so the two cannot drift.
 */
export const ERRORS = {
  invalid_json: { status: 400, message: 'the body is not JSON, not UTF-8, or not an object' },
  invalid_room: { status: 400, message: 'a room name breaks the rule, or rooms is not a list of room names' },
  invalid_nick: { status: 400, message: 'the nick breaks the rule' },
  invalid_message: { status: 400, message: 'the message is malformed' },
  invalid_cursor: { status: 400, message: 'the cursor is not a non-negative safe integer or is past the newest' },
  payload_too_large: { status: 413, message: 'the body or the text is over its limit' },
  unsupported_media_type: { status: 415, message: 'a request body must be Content-Type: application/json' },
  unknown_session: { status: 404, message: 'no such long-poll session (never existed or expired)' },
  not_found: { status: 404, message: 'no such route' },
  method_not_allowed: { status: 405, message: 'method not allowed on this route' },
  unauthorized: { status: 401, message: 'a token is required and is missing or invalid' },
  forbidden_origin: { status: 403, message: 'the Origin is not allowed' },
  rate_limited: { status: 429, message: 'over the rate limit' },
  shutting_down: { status: 503, message: 'the server is draining' },
  backplane_unavailable: { status: 503, message: 'the backplane cannot be reached; retry' },
  // pushlab's addition to the protocol's table (documented in docs/protocol.md): a request
  // whose headers or body trickle in past the server's timeout.
  request_timeout: { status: 408, message: 'the request took too long to arrive' },
  // pushlab's addition: an `Expect` other than 100-continue (RFC 9110 §10.1.1 says 417).
  expectation_failed: { status: 417, message: 'the only Expect this server meets is 100-continue' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

/** A failure the protocol names. Thrown by validators and the core, turned into a wire error by adapters. */
export class ProtocolError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra headers for the HTTP answer (e.g. `Allow` on 405). */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: ErrorCode, message?: string, headers?: Record<string, string>) {
    super(message ?? ERRORS[code].message);
    this.name = 'ProtocolError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.headers = headers;
  }

  toJSON(): WireError {
    return { error: { code: this.code, message: this.message } };
  }
}

export interface WireError {
  error: { code: ErrorCode; message: string };
}
