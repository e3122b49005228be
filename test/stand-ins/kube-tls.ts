// TLS material for the Kubernetes API stand-in: a certificate authority made for this test run and a server
// certificate it signs for 127.0.0.1 and localhost. node:crypto parses X.509 but cannot issue it, so the openssl
// command line does the signing (EC P-256 keys: fast to generate). Clients get the CA the way EKS and GKE hand it
// out, as base64 PEM in `certificate-authority-data`.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A CA and a server certificate it issued. PEM strings throughout. */
export interface TestTls {
  /** The CA certificate (PEM). */
  caPem: string;
  /** The CA certificate as kubeconfig's `certificate-authority-data`: base64 of the PEM. */
  caData: string;
  /** The server certificate (PEM), valid for IP 127.0.0.1 and DNS localhost. */
  certPem: string;
  /** The server's private key (PEM). */
  keyPem: string;
}

let cached: TestTls | undefined;

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Makes (once per process) a CA and a server certificate for 127.0.0.1 and localhost, valid from a day ago for
 * ten years so that a test clock moved forward by hours still sees them valid.
 * @throws Error when openssl is not on PATH or fails.
 */
export function testTls(): TestTls {
  if (cached !== undefined) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'slipway-kube-tls-'));
  try {
    const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(
      [
        'req',
        '-x509',
        ...curve,
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '3650',
        '-subj',
        '/CN=slipway-stand-in-ca',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
    openssl(
      ['req', '-new', ...curve, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver'],
      dir,
    );
    writeFileSync(
      join(dir, 'server.ext'),
      [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc',
        '',
      ].join('\n'),
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.pem',
        '-days',
        '3650',
        '-extfile',
        'server.ext',
      ],
      dir,
    );
    const caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const certPem = readFileSync(join(dir, 'server.pem'), 'utf8');
    // A certificate that does not chain to the CA would only show up later as an obscure TLS failure.
    if (!new X509Certificate(certPem).verify(new X509Certificate(caPem).publicKey)) {
      throw new Error('openssl produced a server certificate that the test CA did not sign');
    }
    cached = {
      caPem,
      caData: Buffer.from(caPem).toString('base64'),
      certPem,
      keyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
