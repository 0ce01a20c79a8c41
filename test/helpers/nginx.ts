/**
 * nginx in front of test servers, as the cluster bench runs it (bench/targets/nginx.ts). When nginx is
 * missing this throws `nginx is not installed: apt-get install -y nginx` — never a silent skip.
 */
import { startNginx, type Nginx, type NginxOptions } from '../../bench/targets/nginx.ts';

export type TestNginx = Nginx;

export function startTestNginx(options: NginxOptions): Promise<TestNginx> {
  return startNginx(options);
}
