/**
 * Requests node's parser rejects (bad chunking, header floods, slow uploads) never reach a
 * route: answer them as JSON in the catalog's terms, where node's default would be a bare 400.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ProtocolError } from '../../protocol/errors.ts';
import { endWithError } from './respond.ts';

export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || pending?.headersSent === true) {
    socket.destroy();
    return;
  }
  endWithError(
    socket,
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new ProtocolError('payload_too_large', 'request headers are too large')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ProtocolError('request_timeout', 'the request took too long to arrive')
        : new ProtocolError('invalid_json', 'malformed HTTP request'),
  );
}
