/**
 * TLS for `pushlab serve --tls-cert/--tls-key` or `--tls-self-signed`. A self-signed
 * certificate is made with Debian's `openssl` binary (no key handling of our own): an ECDSA
 * P-256 key, valid one day, for localhost and 127.0.0.1, written to a fresh temporary
 * directory whose path the server prints so clients can trust exactly that certificate.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionError } from './options.ts';

export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
  /** Where the certificate is (clients pass it as their trusted CA). */
  certPath: string;
  /** Where the key is, when on disk. */
  keyPath?: string;
}

/** A throwaway self-signed certificate for localhost/127.0.0.1/::1 (openssl). */
export function makeSelfSigned(): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'pushlab-tls-'));
  // Throwaway: gone when the process that made it exits (clients read it while it runs).
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) throw new OptionError(`--tls-self-signed: openssl could not make a certificate: ${r.error?.message ?? r.stderr.trim()}`);
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), certPath, keyPath };
}

/** The TLS material the options ask for, or undefined for plain HTTP. */
export function tlsFor(options: { tlsCert?: string | undefined; tlsKey?: string | undefined; tlsSelfSigned?: boolean | undefined }): TlsMaterial | undefined {
  if (options.tlsSelfSigned === true) {
    if (options.tlsCert !== undefined || options.tlsKey !== undefined) throw new OptionError('--tls-self-signed cannot be combined with --tls-cert/--tls-key');
    return makeSelfSigned();
  }
  if (options.tlsCert === undefined && options.tlsKey === undefined) return undefined;
  if (options.tlsCert === undefined || options.tlsKey === undefined) throw new OptionError('--tls-cert and --tls-key go together');
  const read = (flag: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new OptionError(`--${flag}: cannot read ${path}: ${(error as Error).message}`);
    }
  };
  return { cert: read('tls-cert', options.tlsCert), key: read('tls-key', options.tlsKey), certPath: options.tlsCert };
}
