import type { OutboxMessage } from '../outbox.js';

/** Options of {@link readOutbox}. */
export interface ReadOutboxOptions {
  /** The tenant's origin (any of its domains), e.g. `tenant.url`. */
  tenantUrl: string | URL;
  /** The email address or phone number the messages were sent to. */
  to: string;
}

/**
 * The emails and text messages with one-time codes the tenant sent to `to`, oldest first (the
 * newest is the last), each `{ to, channel: 'email' | 'sms', code, text, at }`. Over HTTP
 * (`GET /test/outbox?to=`), so it works for a tenant in another process too.
 *
 * @example
 * const otp = async () => (await readOutbox({ tenantUrl: tenant.url, to: 'bob@example.com' })).at(-1)!.code;
 */
export async function readOutbox(options: ReadOutboxOptions): Promise<OutboxMessage[]> {
  const url = new URL('/test/outbox', options.tenantUrl);
  url.searchParams.set('to', options.to);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`dev tenant answered ${response.status} for its outbox`);
  return ((await response.json()) as { messages: OutboxMessage[] }).messages;
}
