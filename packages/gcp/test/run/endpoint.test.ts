import { describe, expect, it } from '@jest/globals';
import { parseApiEndpoint } from '../../src/run/index.js';

describe('parseApiEndpoint', () => {
  it.each([
    ['run.googleapis.com', { apiEndpoint: 'run.googleapis.com', port: 443, protocol: 'https' }],
    [
      'us-central1-run.googleapis.com',
      { apiEndpoint: 'us-central1-run.googleapis.com', port: 443, protocol: 'https' },
    ],
    ['run.p.googleapis.com:8443', { apiEndpoint: 'run.p.googleapis.com', port: 8443, protocol: 'https' }],
    ['https://run.googleapis.com', { apiEndpoint: 'run.googleapis.com', port: 443, protocol: 'https' }],
    ['http://127.0.0.1:8089', { apiEndpoint: '127.0.0.1', port: 8089, protocol: 'http' }],
    ['http://localhost', { apiEndpoint: 'localhost', port: 80, protocol: 'http' }],
    ['  run.googleapis.com  ', { apiEndpoint: 'run.googleapis.com', port: 443, protocol: 'https' }],
  ])('%s', (text, endpoint) => {
    expect(parseApiEndpoint(text)).toEqual(endpoint);
  });

  it.each([
    ['https://run.googleapis.com/v2', 'must be a host and port only'],
    ['ftp://run.googleapis.com', 'must use https or http'],
    ['run googleapis', 'is not a host name'],
    ['host:99999', 'has a port outside 1-65535'],
    ['https://user:pw@host', 'must be a host and port only'],
  ])('refuses %s', (text, message) => {
    const result = parseApiEndpoint(text);
    expect('error' in result && result.error).toContain(message);
  });
});
