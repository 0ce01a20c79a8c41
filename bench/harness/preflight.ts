/**
 * Before any run: the system binaries the planned runs need are there. A cluster rung needs
 * redis-server (unless --backplane names a Redis) and nginx (when proxied); finding out after
 * minutes of completed runs, as a stack trace, is what this prevents.
 */
import { NGINX_INSTALL_HINT } from '../targets/nginx.ts';
import { findBinary } from '../targets/processes.ts';
import { REDIS_INSTALL_HINT } from '../targets/redis-server.ts';
import type { BenchOptions } from '../../results/types.ts';
import { parseTopology, topologiesOf } from '../config/topology.ts';

/** Problems, one line each with the install command; empty when the bench can start. */
export function preflight(options: BenchOptions, find: (name: string) => string | undefined = findBinary): string[] {
  const rungs = (topologiesOf(options) ?? []).map(parseTopology);
  const problems: string[] = [];
  const needs = (name: string, why: string, install: string): void => {
    if (find(name) === undefined) problems.push(`${name} is not installed (needed by ${why}): install it with \`${install}\``);
  };
  if (options.backplane === undefined && rungs.some((t) => t.backplane === 'redis')) needs('redis-server', `the Redis rungs of --instances ${options.instances}`, REDIS_INSTALL_HINT);
  if (rungs.some((t) => t.proxied)) needs('nginx', 'the nginx rungs (scale-out behind a load balancer)', NGINX_INSTALL_HINT);
  return problems;
}
