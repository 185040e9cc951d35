import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { Context } from 'koa';

const MAX_BODY_BYTES = 64 * 1024;

/** Reads an `application/x-www-form-urlencoded` body, capped at 64 KiB. */
export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readRaw(req));
}

/**
 * Hands a body this tenant has already read (and maybe rewritten) on to oidc-provider as a fresh,
 * unread request stream with the same headers and a matching `content-length`. oidc-provider reads
 * the stream itself; given a consumed one it falls back to `req.body` and prints "already parsed
 * request body detected" on the console, which would be noise on every run.
 */
export function passBodyOn(ctx: Context, params: URLSearchParams): void {
  const original = ctx.req;
  const body = Buffer.from(params.toString(), 'utf8');
  // Always a form now, whatever it came as (Auth0 takes JSON token requests too).
  const headers = {
    ...original.headers,
    'content-type': 'application/x-www-form-urlencoded',
    'content-length': String(body.length),
  };
  delete headers['transfer-encoding'];
  const replay = Object.assign(Readable.from([body], { objectMode: false }), {
    headers,
    rawHeaders: original.rawHeaders,
    method: original.method,
    url: original.url,
    httpVersion: original.httpVersion,
    httpVersionMajor: original.httpVersionMajor,
    httpVersionMinor: original.httpVersionMinor,
    socket: original.socket,
    connection: original.socket,
  }) as unknown as IncomingMessage;
  ctx.req = replay;
  ctx.request.req = replay;
}

/**
 * A JSON token request as the form oidc-provider parses: Auth0 takes `/oauth/token` as JSON too
 * (its SDKs send the passkey grant so). Strings stay as they are, other values (the passkey
 * grant's `authn_response` object) become their JSON text. Throws when the body is not a JSON
 * object.
 */
export async function readJsonBodyAsForm(req: IncomingMessage): Promise<URLSearchParams> {
  const body = await readJsonBody(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TypeError('the body must be a JSON object');
  }
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    params.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return params;
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
