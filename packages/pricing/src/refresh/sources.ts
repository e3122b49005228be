/**
 * Where `refresh-prices` reads current prices (pricing reference §7). The CLI fetches them; the parsers here only
 * read what was fetched.
 */
export const PRICE_SOURCES = {
  /** AWS Price List Bulk API index (public, no credentials). */
  awsOfferIndex: 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/index.json',
  /** The AWS offer files Slipway reads: Fargate is under AmazonECS, the EKS cluster fee under AmazonEKS. */
  awsServices: ['AmazonECS', 'AmazonEKS', 'AWSAppRunner'] as const,
  /** The Fargate Spot feed the Fargate pricing page reads. */
  fargateSpotFeed: 'https://dftu77xade0tc.cloudfront.net/fargate-spot-prices.json',
  /** Google Cloud Billing Catalog: list of services (to find Cloud Run's service id, UNCONFIRMED). */
  gcpServices: 'https://cloudbilling.googleapis.com/v1/services',
  /** Billing Catalog service ids; Cloud Run's is not confirmed: list `gcpServices` and match its display name. */
  gcpServiceIds: { kubernetesEngine: 'CCD8-9BF1-090E', computeEngine: '6F81-5844-456A', cloudRun: null },
} as const;

/** One AWS offer file for a service and region, e.g. `awsOfferUrl('AmazonECS', 'ap-northeast-2')`. */
export function awsOfferUrl(service: string, region: string): string {
  return `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${service}/current/${region}/index.json`;
}

/** The region list of an AWS service's offer files. */
export function awsRegionIndexUrl(service: string): string {
  return `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${service}/current/region_index.json`;
}

/** One page of a Billing Catalog service's SKUs in USD (called with an API key; `pageToken` for the next page). */
export function gcpSkusUrl(serviceId: string, pageToken?: string): string {
  const page = pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : '';
  return `https://cloudbilling.googleapis.com/v1/services/${serviceId}/skus?currencyCode=USD${page}`;
}
