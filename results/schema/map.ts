/**
 * Issue 13's sections of results.json: the workload every run records, the decision map's grid,
 * the cost model fitted per target from it (model/), and the capacity under a latency SLO
 * (bench/slo/). The contract between `pushlab bench --scenario map`, `pushlab project` and the
 * report's "Which one should I use?" section. All optional on the file: older results lack them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { literals, RunTarget, Transport } from './common.ts';

const num = (description?: string) => Type.Number(description === undefined ? {} : { description });

export const Workload = Type.Object({
  clients: num('Subscribers (each joins one room).'),
  rooms: num('Rooms; subscriber i joins room i mod rooms.'),
  senders: num('Sending clients (not subscribed).'),
  ratePerSecond: num('Messages published per second, all senders together (0 = idle).'),
  perClientRatePerSecond: num('ratePerSecond ÷ clients: messages per client per second, the map\'s axis (e.g. 1/60 = one per client per minute).'),
  roomRatePerSecond: num('Messages each subscriber receives per second: ratePerSecond ÷ rooms.'),
  deliveriesPerSecond: num('Expected deliveries per second: ratePerSecond × clients ÷ rooms.'),
  size: num('Message text size, bytes.'),
  cell: Type.Optional(Type.String({ description: 'Map benches only: the grid cell\'s id, e.g. `c1000-r10s` (clients 1,000, one message per client per 10 s).' })),
}, { description: 'The workload this run measured, so any run can be read on its own.' });
export type Workload = Static<typeof Workload>;

export const MapCell = Type.Object({
  id: Type.String({ description: 'e.g. `c100-idle`, `c1000-r60s`, `c5000-hot`.' }),
  label: Type.String({ description: 'In words, e.g. `1,000 clients · 1 msg per client per 10 s`.' }),
  workload: Workload,
});
export type MapCell = Static<typeof MapCell>;

/** How a transport's request rate depends on the message rate (model/batching.ts). */
export const RequestLaw = Type.Object({
  kind: literals(['none', 'interval', 'hold'] as const, '`interval`: a poll every intervalMs whatever the traffic (short polling); `hold`: a poll answered at the first message or after holdMs, re-polled after gapMs (long polling); `none`: no request per delivery (WebSocket, SSE).'),
  fixedPerClientSecond: num('Fitted requests per client per second with no traffic (the idle cells): 1/interval, ≈ 1/(hold + gap), 0.'),
  intervalMs: Type.Optional(num()),
  holdMs: Type.Optional(num()),
  gapMs: Type.Optional(num('Long polling: fitted time from an answer to the next poll reaching the server, ms (≈ one RTT + processing).')),
  perPublish: num('HTTP requests per published message (1 when a publish is a POST, 0 when it is a frame).'),
});
export type RequestLaw = Static<typeof RequestLaw>;

/** A per-second quantity as a linear function of the workload's rates (fitted, non-negative). */
export const LinearCost = Type.Object({
  intercept: num('With no client at all.'),
  perConnection: num('Per connected client, per second.'),
  perRequest: num('Per HTTP request.'),
  perDelivered: num('Per delivered message.'),
  perPublish: num('Per published message.'),
});
export type LinearCost = Static<typeof LinearCost>;

export const FitPoint = Type.Object({
  cell: Type.String(),
  measured: Type.Object({ cpuCores: num(), requestsPerSecond: num(), bytesOutPerSecond: num(), bytesInPerSecond: num(), rssBytes: num() }),
  predicted: Type.Object({ cpuCores: num(), requestsPerSecond: num(), bytesOutPerSecond: num(), bytesInPerSecond: num(), rssBytes: num() }),
  loadBound: Type.Boolean({ description: 'The run was load-bound: left out of the fit.' }),
});
export type FitPoint = Static<typeof FitPoint>;

export const ErrorStat = Type.Object({ medianAbsPercent: num(), maxAbsPercent: num(), cells: num() });

export const CostModel = Type.Object({
  target: RunTarget,
  transport: Transport,
  cpu: Type.Object(LinearCost.properties, { description: 'Server CPU, cores (core-seconds per second).' }),
  bytesOut: Type.Object(LinearCost.properties, { description: 'Bytes server → clients per second (TCP payload).' }),
  bytesIn: Type.Object(LinearCost.properties, { description: 'Bytes clients → server per second.' }),
  memory: Type.Object({
    baseRssBytes: num('RSS with no client.'),
    rssPerConnectionBytes: num('RSS growth per connection, from the cells\' RSS against N.'),
    heapPerConnectionBytes: num('Heap growth per connection (after GC where measured).'),
    baseHeapBytes: Type.Optional(num('Heap with no client (the heap fit\'s intercept), so a prediction can give the heap itself.')),
  }),
  requests: RequestLaw,
  fit: Type.Array(FitPoint, { description: 'Every measured cell beside the fit\'s prediction (residuals).' }),
  crossValidation: Type.Object({
    method: Type.Literal('leave-one-out', { description: 'Each cell predicted from a fit on the others.' }),
    cpu: ErrorStat,
    requests: ErrorStat,
    bytesOut: ErrorStat,
  }),
  headerBytesPerRequest: Type.Optional(num('Measured bytes of an empty poll (request + response, headers included): the "header overhead" per poll.')),
  range: Type.Object({ clients: Type.Tuple([num(), num()]), ratePerSecond: Type.Tuple([num(), num()]) }, { description: 'The measured range; `pushlab project` warns outside it.' }),
});
export type CostModel = Static<typeof CostModel>;

export const SloStep = Type.Object({
  value: num('The rate (msg/s) or idle connections tried.'),
  p99Ms: num(),
  lost: num(),
  loadBound: Type.Boolean(),
  pass: Type.Boolean(),
  reason: Type.Optional(Type.String()),
});

export const SloCapacity = Type.Object({
  target: RunTarget,
  transport: Transport,
  kind: literals(['rate', 'idle-connections'] as const),
  sloP99Ms: num(),
  value: num('The highest value that kept p99 ≤ the SLO with zero loss and no load-bound run (0 when even the lowest failed).'),
  bound: literals(['server', 'load-generator', 'search-limit', 'not-met'] as const, '`server`: the next step failed on the server\'s side; `load-generator`: a load-bound step ended the search, so `value` is a lower bound; `search-limit`: the top of the search passed; `not-met`: the lowest step failed.'),
  reason: Type.Optional(Type.String()),
  upper: Type.Optional(num('The lowest value tried above `value` that failed or was load-bound: the boundary lies in [value, upper). Absent when the top of the search passed.')),
  workload: Type.Optional(Type.String({ description: 'The steps\' workload in words, e.g. `100 clients in 1 room, 4 senders, 100-byte messages; rate laddered` (bench/slo/plan.ts).' })),
  steps: Type.Array(SloStep),
  ratioToBaseline: Type.Optional(num('value ÷ the bare baseline\'s value of the same kind (pushlab WebSocket ÷ bare ws, long polling ÷ bare long poll).')),
});
export type SloCapacity = Static<typeof SloCapacity>;

export const MapResult = Type.Object({
  cells: Type.Array(MapCell),
  models: Type.Array(CostModel),
}, { description: '`--scenario map`: the grid and the cost model fitted per target.' });
export type MapResult = Static<typeof MapResult>;

export const SloResult = Type.Object({
  p99Ms: num('The SLO bound (`--slo-p99`).'),
  capacities: Type.Array(SloCapacity),
  windowMs: Type.Optional(num('Each step\'s measured window, ms (`--slo-window`).')),
  elapsedMs: Type.Optional(num('Wall time of the whole search, ms.')),
}, { description: 'Capacity under the latency SLO per target (bench/slo/).' });
export type SloResult = Static<typeof SloResult>;
