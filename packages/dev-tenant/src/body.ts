import type { IncomingMessage } from 'node:http';

const MAX_BODY_BYTES = 64 * 1024;

/** Reads an `application/x-www-form-urlencoded` body, capped at 64 KiB. */
export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Hands a body this tenant has already read (and maybe rewritten) on to oidc-provider, which falls
 * back to `req.body` when the stream is consumed.
 */
export function passBodyOn(req: IncomingMessage, params: URLSearchParams): void {
  (req as IncomingMessage & { body?: string }).body = params.toString();
}
