#!/usr/bin/env bash
# The hostile-client cases whose answers must be in the contract's form (test/hostile.test.ts),
# with curl against a running server.
# Prints one line per case: status, Content-Type, body (first 90 chars).
#   bash scripts/hostile-answers.sh http://127.0.0.1:3000
set -u
url=${1:?usage: hostile-answers.sh http://127.0.0.1:PORT}
ws_key='Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='
up=(-H 'Connection: Upgrade' -H 'Upgrade: websocket')
show() {
  local name=$1; shift
  local out
  out=$(curl -s -m 5 -o /tmp/hostile-answer.$$ -w '%{http_code} %{content_type}' "$@")
  printf '%-44s %s  %s\n' "$name" "$out" "$(head -c 90 /tmp/hostile-answer.$$ | tr -d '\r\n')"
}
show 'cross-site text/plain POST /rooms' -X POST "$url/rooms/lobby/messages" -H 'Origin: http://evil.example' -H 'Content-Type: text/plain' -d '{"from":"x","text":"csrf"}'
show 'cross-site text/plain POST /lp/sessions' -X POST "$url/lp/sessions" -H 'Origin: http://evil.example' -H 'Content-Type: text/plain' -d '{"nick":"x","rooms":["lobby"]}'
show 'JSON POST from a foreign Origin' -X POST "$url/rooms/lobby/messages" -H 'Origin: http://evil.example' -H 'Content-Type: application/json' -d '{"from":"x","text":"csrf"}'
show 'same-origin text/plain POST' -X POST "$url/rooms/lobby/messages" -H 'Origin: http://localhost' -H 'Content-Type: text/plain' -d '{"from":"x","text":"plain"}'
show 'handshake: no Sec-WebSocket-Key' "${up[@]}" -H 'Sec-WebSocket-Version: 13' "$url/ws?nick=a"
show 'handshake: short Sec-WebSocket-Key' "${up[@]}" -H 'Sec-WebSocket-Key: c2hvcnQ=' -H 'Sec-WebSocket-Version: 13' "$url/ws?nick=a"
show 'handshake: version 12' "${up[@]}" -H "$ws_key" -H 'Sec-WebSocket-Version: 12' "$url/ws?nick=a"
show 'handshake: Sec-WebSocket-Protocol a,,b' "${up[@]}" -H "$ws_key" -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Protocol: a,,b' "$url/ws?nick=a"
show 'handshake: POST /ws' -X POST "${up[@]}" -H "$ws_key" -H 'Sec-WebSocket-Version: 13' "$url/ws?nick=a"
show 'no Host header (HTTP/1.1)' -H 'Host:' "$url/health"
show 'Expect: something-else' -H 'Expect: something-else' "$url/health"
show 'absolute-form GET http://host/health' --request-target "$url/health" "$url/health"
show 'Upgrade: h2c on /health' -H 'Connection: Upgrade, HTTP2-Settings' -H 'Upgrade: h2c' -H 'HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA' "$url/health"
rm -f /tmp/hostile-answer.$$
