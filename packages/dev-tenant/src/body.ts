import type { IncomingMessage } from 'node:http';

const MAX_BODY_BYTES = 64 * 1024;

/** Reads an `application/x-www-form-urlencoded` body, capped at 64 KiB. */
export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readRaw(req));
}

/**
 * Hands a body this tenant has already read (and maybe rewritten) on to oidc-provider, which falls
 * back to `req.body` when the stream is consumed.
 */
export function passBodyOn(req: IncomingMessage, params: URLSearchParams): void {
  (req as IncomingMessage & { body?: string }).body = params.toString();
}

/** Reads a JSON body, capped at 64 KiB; undefined when it is not JSON. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const form = await readRaw(req);
  try {
    return JSON.parse(form);
  } catch {
    return undefined;
  }
}

async function readRaw(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
