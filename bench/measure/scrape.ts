/**
 * One GET of a server's `/metrics`, over keep-alive agents (a few sockets: the sampler scrapes
 * every instance once a second), trusting the bench's own certificate under --tls.
 */
import http from 'node:http';
import https from 'node:https';
import { trustedCa } from '../targets/tls.ts';

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
let httpsAgent: https.Agent | undefined;

export function scrape(url: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    // --tls: the bench's own certificate is the one to trust (bench/targets/tls.ts).
    const secure = url.startsWith('https:');
    if (secure) httpsAgent ??= new https.Agent({ keepAlive: true, maxSockets: 4, ...(trustedCa() === undefined ? {} : { ca: trustedCa() }) });
    const get = secure ? https.get : http.get;
    const req = get(`${url}/metrics`, { agent: secure ? httpsAgent : agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`/metrics answered ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('/metrics timed out')));
    req.on('error', reject);
  });
}
