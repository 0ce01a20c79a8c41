/**
 * A cost model's prediction for one workload: the request law gives the HTTP requests per
 * second (model/batching.ts), the linear fits turn connections, requests, deliveries and
 * publishes per second into server CPU cores and bytes per second, memory grows linearly with
 * connections. Used by the fit's residuals, its cross-validation and `pushlab project`.
 * One core is one core of the machine that measured the map.
 */
import type { CostModel, LinearCost, Workload } from '../results/types.ts';
import { requestsPerSecond } from './batching.ts';

/** The parts of a model a prediction needs (a whole CostModel is one). */
export type ModelCore = Pick<CostModel, 'cpu' | 'bytesOut' | 'bytesIn' | 'memory' | 'requests'>;

export interface Prediction {
  cpuCores: number;
  requestsPerSecond: number;
  bytesOutPerSecond: number;
  bytesInPerSecond: number;
  rssBytes: number;
  heapBytes: number;
}

/** The linear cost's regressors, in LinearCost's order after the intercept. */
export interface Regressors {
  connections: number;
  requestsPerSecond: number;
  deliveriesPerSecond: number;
  publishesPerSecond: number;
}

/** A linear cost term by term: the intercept, then each regressor times its coefficient. */
export interface LinearTerms {
  base: number;
  connections: number;
  requests: number;
  deliveries: number;
  publishes: number;
}

export function linearTerms(cost: LinearCost, x: Regressors): LinearTerms {
  return {
    base: cost.intercept,
    connections: cost.perConnection * x.connections,
    requests: cost.perRequest * x.requestsPerSecond,
    deliveries: cost.perDelivered * x.deliveriesPerSecond,
    publishes: cost.perPublish * x.publishesPerSecond,
  };
}

/** The linear cost's value: the sum of its terms. */
export function linear(cost: LinearCost, x: Regressors): number {
  const t = linearTerms(cost, x);
  return t.base + t.connections + t.requests + t.deliveries + t.publishes;
}

/** The workload fields a prediction reads (a whole Workload is one). */
export type PredictedWorkload = Pick<Workload, 'clients' | 'ratePerSecond' | 'roomRatePerSecond' | 'deliveriesPerSecond'>;

export function predict(model: ModelCore, w: PredictedWorkload): Prediction {
  const requests = requestsPerSecond(model.requests, w);
  const x: Regressors = { connections: w.clients, requestsPerSecond: requests, deliveriesPerSecond: w.deliveriesPerSecond, publishesPerSecond: w.ratePerSecond };
  return {
    cpuCores: linear(model.cpu, x),
    requestsPerSecond: requests,
    bytesOutPerSecond: linear(model.bytesOut, x),
    bytesInPerSecond: linear(model.bytesIn, x),
    rssBytes: model.memory.baseRssBytes + model.memory.rssPerConnectionBytes * w.clients,
    heapBytes: (model.memory.baseHeapBytes ?? 0) + model.memory.heapPerConnectionBytes * w.clients,
  };
}
