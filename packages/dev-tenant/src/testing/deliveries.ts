import type { BackchannelDelivery } from '../backchannel-deliveries.js';

/**
 * The back-channel logouts a dev tenant has sent, oldest first, each with every attempt at
 * delivering it (`{ at, status }` or `{ at, error }`) and its `state`: `pending` while
 * redeliveries remain, `delivered`, or `failed`. Over HTTP, so it works for a tenant in another
 * process too.
 *
 * @example
 * const [delivery] = await backchannelDeliveries(tenant.url);
 * delivery.attempts.map((attempt) => attempt.status); // [503, 200]
 */
export async function backchannelDeliveries(
  tenantUrl: string | URL,
): Promise<BackchannelDelivery[]> {
  const response = await fetch(new URL('/test/backchannel-deliveries', tenantUrl));
  if (!response.ok) throw new Error(`dev tenant answered ${response.status} for its deliveries`);
  return ((await response.json()) as { deliveries: BackchannelDelivery[] }).deliveries;
}
