/**
 * `pushlab bench --tls`: one throwaway self-signed certificate per bench (servers/tls.ts makes
 * it with openssl), given to every pushlab server the bench starts (--tls-cert/--tls-key) and
 * trusted by everything the bench forks afterwards: NODE_EXTRA_CA_CERTS is set in this
 * process's environment, which the load workers and the delay proxy inherit. This process's
 * own scrapes of /metrics trust it through `trustedCa()`.
 */
import { makeSelfSigned, type TlsMaterial } from '../../servers/tls.ts';

let material: TlsMaterial | undefined;

/** The bench's certificate, made on first use; from then on forked children trust it. */
export function benchTls(): { certPath: string; keyPath: string } {
  material ??= makeSelfSigned();
  process.env.NODE_EXTRA_CA_CERTS = material.certPath;
  return { certPath: material.certPath, keyPath: material.keyPath as string };
}

/** The certificate this process trusts for https scrapes (undefined before any --tls bench). */
export function trustedCa(): Buffer | undefined {
  return material?.cert;
}
