/**
 * Where the Cloud Run Admin API is: `run.googleapis.com` by default, a regional endpoint
 * (`us-central1-run.googleapis.com`), a Private Service Connect name, or a full URL (`http://127.0.0.1:8089` for a
 * local emulator). @google-cloud/run ignores a port written inside `apiEndpoint`, so host, port and protocol are
 * passed apart.
 */

/** Client options that select an endpoint. */
export interface ApiEndpoint {
  apiEndpoint: string;
  port: number;
  protocol: 'https' | 'http';
}

/** The default endpoint. */
export const DEFAULT_RUN_ENDPOINT = 'run.googleapis.com';

const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/;

/**
 * Parses an endpoint written as a host, `host:port`, or an `http(s)://host[:port]` URL without a path. Returns an
 * error message instead when it is none of these.
 */
export function parseApiEndpoint(text: string): ApiEndpoint | { error: string } {
  const value = text.trim();
  const hint = 'write a host such as run.googleapis.com, or a URL such as https://host:443';
  if (/^[a-z]+:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { error: `is not a URL (${hint})` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return { error: `must use https or http (${hint})` };
    if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.username !== '') {
      return { error: `must be a host and port only, without a path, query or credentials (${hint})` };
    }
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    const port = url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port);
    return { apiEndpoint: url.hostname.replace(/^\[|\]$/g, ''), port, protocol };
  }
  const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m || !HOST.test(m[1]!)) return { error: `is not a host name (${hint})` };
  const port = m[2] === undefined ? 443 : Number(m[2]);
  if (port < 1 || port > 65535) return { error: `has a port outside 1-65535 (${hint})` };
  return { apiEndpoint: m[1]!, port, protocol: 'https' };
}
