/**
 * The shape of results.json (schemaVersion 1) as data, and a validator for it — used by the
 * end-to-end test and usable by anyone who reads results files. A compact JSON-Schema-like
 * notation: 'number' | 'string' | 'boolean' | 'string|number' | nested objects | [item];
 * a key ending in '?' is optional. Every number must be finite (no NaN/Infinity in JSON).
 */
export type Shape = 'number' | 'string' | 'boolean' | 'string|number' | 'number|boolean' | 'number|boolean|object' | readonly [Shape] | { readonly [key: string]: Shape };

const LATENCY: Shape = { p50: 'number', p90: 'number', p99: 'number', p999: 'number', max: 'number', mean: 'number', count: 'number' };
const STAT: Shape = { median: 'number', min: 'number', max: 'number' };

export const RESULTS_SHAPE: Shape = {
  schemaVersion: 'number',
  tool: { name: 'string', version: 'string' },
  environment: { node: 'string', os: 'string', cpuModel: 'string', cores: 'number', memoryBytes: 'number', commit: 'string', hostname: 'string', startedAt: 'string', finishedAt: 'string', taskset: 'boolean' },
  options: {
    scenario: 'string', transports: ['string'], clients: 'number', rooms: 'number', senders: 'number', rate: 'number', size: 'number',
    durationMs: 'number', warmupMs: 'number', repeat: 'number', pollIntervalMs: 'number', holdMs: 'number', baselines: 'boolean', 'peers?': ['string'], capacity: 'boolean',
    'capacityDurationMs?': 'number', seed: 'number', instances: 'number', 'backplane?': 'string', 'topologies?': ['string'], 'sweep?': { option: 'string', values: ['string|number'] }, 'faults?': 'boolean', 'restartServer?': 'boolean',
    'target?': 'string', 'phases?': [{ durationMs: 'number', rate: 'number', clients: 'number' }], 'thresholds?': ['string'], 'defaultThresholds?': 'boolean', 'allowLoss?': 'boolean', 'allowLoadBound?': 'boolean',
    'rttMs?': 'number', 'jitterMs?': 'number', 'bandwidthBps?': 'number', 'tls?': 'boolean', 'headers?': 'string', 'compression?': 'boolean',
  },
  floors: [{ name: 'string', latencyMs: LATENCY, histogram: 'string', samples: 'number' }],
  runs: [{
    target: 'string', transport: 'string', repetition: 'number', 'sweepValue?': 'string|number', instances: 'number', backplane: 'string', proxied: 'boolean', 'topology?': 'string',
    durationSeconds: 'number', latencyMs: LATENCY, latencyUncorrectedMs: LATENCY, histogram: 'string',
    messages: { 'scheduled?': 'number', sent: 'number', 'failed?': 'number', 'unanswered?': 'number', expected: 'number', delivered: 'number', 'late?': 'number', lost: 'number', duplicates: 'number', 'wireDuplicates?': 'number', outOfOrder: 'number', 'negativeLatency?': 'number', 'sendErrors?': 'number' },
    requests: { total: 'number', perSecond: 'number', perDelivered: 'number', serverCounted: 'number' },
    'batches?': { responses: 'number', messages: 'number', mean: 'number', buckets: { '1': 'number', '2': 'number', '3–4': 'number', '5–8': 'number', '9–16': 'number', '17–32': 'number', '33–64': 'number', '65–128': 'number', '129+': 'number' } },
    bytes: { in: 'number', out: 'number', perDelivered: 'number' },
    server: { cpuSeconds: 'number', cpuSecondsPer1kDelivered: 'number', rssPeakBytes: 'number', heapPeakBytes: 'number', eventLoopDelayP99Ms: 'number', 'heapPerConnectionBytes?': 'number', 'notMeasured?': 'string' },
    'parts?': [{ part: 'string', processes: 'number', cpuSeconds: 'number', cpuSecondsPer1kDelivered: 'number', rssPeakBytes: 'number' }],
    clients: { connected: 'number', reconnects: 'number' },
    'faults?': { cuts: 'number', reconnects: 'number', recovered: 'number', unrecovered: 'number', recoveryMs: LATENCY, recoveryHistogram: 'string', serverRestarts: 'number', 'serverDownMs?': 'number', 'restartRecoveryMs?': LATENCY, 'restartUnrecovered?': 'number' },
    'connectionSetup?': { joinedMs: LATENCY, firstMessageMs: LATENCY },
    'path?': { mode: 'string', rttMs: 'number', proxyCpuSeconds: 'number', proxyCpuPercent: 'number', connections: 'number' },
    workers: { cpuPercentMax: 'number', scheduleLagMaxMs: 'number', 'scheduleLagP50Ms?': 'number', 'scheduleLagP99Ms?': 'number', 'eventLoopDelayP50Ms?': 'number', 'eventLoopDelayP99Ms?': 'number', 'loadCores?': ['number'], 'loadCoresBusyPercent?': 'number', 'loadCoresStealPercent?': 'number', 'workers?': 'number', loadBound: 'boolean', reasons: ['string'] },
    model: [{ metric: 'string', predicted: 'number', measured: 'number', unit: 'string', ratio: 'number', flagged: 'boolean', tolerance: 'number', note: 'string' }],
    timeline: [{ t: 'number', delivered: 'number', requests: 'number', cpuPercent: 'number', rssBytes: 'number', heapUsedBytes: 'number', eventLoopDelayP99Ms: 'number' }],
    'error?': 'string',
  }],
  summary: [{
    target: 'string', transport: 'string', 'sweepValue?': 'string|number', 'topology?': 'string', repetitions: 'number', latencyMs: LATENCY,
    p50Ms: STAT, p99Ms: STAT, requestsPerSecond: STAT, requestsPerDelivered: STAT, bytesPerDelivered: STAT, cpuSecondsPer1kDelivered: STAT, rssPeakBytes: STAT, 'heapPerConnectionBytes?': STAT,
    delivered: STAT, lost: STAT, duplicates: STAT, 'loadBound?': 'boolean',
    floorMultiple: { p50: 'number', p99: 'number', floor: 'string' },
    'baselineMultiple?': { p50: 'number', p99: 'number', cpuPer1k: 'number', baseline: 'string' },
    'parts?': [{ part: 'string', cpuSecondsPer1kDelivered: STAT, rssPeakBytes: STAT }],
    'topologyMultiple?': { p50: 'number', p99: 'number', cpuPer1k: 'number', reference: 'string' },
    'peerMultiple?': { p50: 'number', p99: 'number', cpuPer1k: 'number', 'heapPerConnection?': 'number', peer: 'string' },
  }],
  capacity: [{
    endpoint: 'string', transport: 'string', connections: 'number', durationSeconds: 'number',
    requestsPerSecond: { mean: 'number', p50: 'number', max: 'number' }, latencyMs: { p50: 'number', p99: 'number', max: 'number', mean: 'number' },
    errors: 'number', non2xx: 'number',
  }],
  warnings: ['string'],
  ok: 'boolean',
  'thresholds?': [{ expression: 'string', source: 'string', target: 'string', metric: 'string', op: 'string', limit: 'number|boolean', actual: 'number|boolean|object', ok: 'boolean', merge: 'string', 'note?': 'string' }],
  'path?': [{ mode: 'string', description: 'string', spec: { rttMs: 'number', jitterMs: 'number', 'bandwidthBps?': 'number' }, 'sweepValue?': 'string|number', checks: [{ floor: 'string', p50Ms: 'number', askedMs: 'number', offByMs: 'number', toleranceMs: 'number', ok: 'boolean' }], ok: 'boolean' }],
  'partial?': 'boolean',
  'interruption?': { signal: 'string', runsCompleted: 'number', runsPlanned: 'number', 'during?': 'string' },
};

/** The shape of one run (`runs[i]`): what a threshold's metric path may name. */
export const RUN_SHAPE = (RESULTS_SHAPE as { runs: readonly [Shape] }).runs[0];

/** Every place `value` breaks the shape, as `path: problem`; empty when it conforms. */
export function checkShape(value: unknown, shape: Shape = RESULTS_SHAPE, path = '$'): string[] {
  if (typeof shape === 'string') {
    const kinds = shape.split('|');
    if (typeof value === 'number' && !Number.isFinite(value)) return [`${path}: not a finite number`];
    return kinds.includes(typeof value) ? [] : [`${path}: expected ${shape}, got ${value === null ? 'null' : typeof value}`];
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((item, i) => checkShape(item, (shape as readonly [Shape])[0], `${path}[${i}]`));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object`];
  const problems: string[] = [];
  const record = value as Record<string, unknown>;
  for (const [rawKey, sub] of Object.entries(shape)) {
    const optional = rawKey.endsWith('?');
    const key = optional ? rawKey.slice(0, -1) : rawKey;
    if (record[key] === undefined) {
      if (!optional) problems.push(`${path}.${key}: missing`);
      continue;
    }
    problems.push(...checkShape(record[key], sub, `${path}.${key}`));
  }
  return problems;
}
