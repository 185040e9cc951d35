/** How a one-time code reached the user. */
export type OutboxChannel = 'email' | 'sms';

/** A message the tenant would have sent: an email or a text message with a one-time code. */
export interface OutboxMessage {
  /** The email address or the phone number it was sent to. */
  to: string;
  channel: OutboxChannel;
  /** The one-time code it carries. */
  code: string;
  /** The text of the message, as the user would read it: with the code, or the link. */
  text: string;
  /** A passwordless magic link, when the message is one (it carries `code` too). */
  link?: string;
  /** When it was sent, in milliseconds since the epoch. */
  at: number;
}

/** Most messages kept; past it the oldest are dropped. */
const MAX_MESSAGES = 1000;

/**
 * The tenant's outbox: the dev tenant sends no email and no text message, it keeps them here,
 * where tests read the codes (`GET /test/outbox?to=`, the test kit's `readOutbox`).
 */
export class Outbox {
  readonly #messages: OutboxMessage[] = [];

  /** "Sends" a one-time code to `to`. */
  sendCode(to: string, channel: OutboxChannel, code: string): OutboxMessage {
    return this.#send({
      to,
      channel,
      code,
      text: `Your verification code is ${code}. It expires in 5 minutes.`,
      at: Date.now(),
    });
  }

  /** "Sends" a passwordless login's code, or its magic link, good for `lifetime` seconds. */
  sendPasswordless(
    to: string,
    channel: OutboxChannel,
    code: string,
    lifetime: number,
    link?: string,
  ): OutboxMessage {
    const expires = `It expires in ${lifetime} seconds.`;
    return this.#send({
      to,
      channel,
      code,
      text: link
        ? `Sign in with this link: ${link} ${expires}`
        : `Your verification code is ${code}. ${expires}`,
      ...(link ? { link } : {}),
      at: Date.now(),
    });
  }

  #send(message: OutboxMessage): OutboxMessage {
    this.#messages.push(message);
    if (this.#messages.length > MAX_MESSAGES) this.#messages.shift();
    return message;
  }

  /** The messages sent to `to` (every message without it), oldest first. */
  list(to?: string): OutboxMessage[] {
    const wanted = to?.toLowerCase();
    return this.#messages.filter(
      (message) => wanted === undefined || message.to.toLowerCase() === wanted,
    );
  }
}
