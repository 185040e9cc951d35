import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';

/** Where a custom domain of the dev tenant listens: an entry of `customDomains`. */
export interface CustomDomainOptions {
  /** Port to listen on. Default 0: a free port chosen by the system. */
  port?: number;
  /** Interface to listen on. Default: the tenant's `host`. */
  host?: string;
}

/** One domain of a running tenant, as an SDK would be configured with it. */
export interface DevTenantDomain {
  /** Origin of the domain, e.g. `http://127.0.0.1:4001`: what an SDK takes as its `domain`. */
  url: string;
  /** The issuer in the tokens this domain issues and in its discovery: `url` followed by `/`. */
  issuer: string;
}

/**
 * The HTTP server of one domain. It listens before the domain's provider exists (the issuer names
 * the port, which may be chosen by the system), and serves whichever provider it was last given:
 * a key rotation hands it a new one.
 */
export class DomainServer implements DevTenantDomain {
  readonly #server: Server = createServer((req, res) => this.#handle(req, res));
  #url = '';
  #handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };

  private constructor() {}

  get url(): string {
    return this.#url;
  }

  get issuer(): string {
    return `${this.#url}/`;
  }

  /** Listens on `host:port` (0: a free port); rejects with the listen error, e.g. `EADDRINUSE`. */
  static async listen(port: number, host: string): Promise<DomainServer> {
    const domain = new DomainServer();
    const server = domain.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    domain.#url = `http://${hostname}:${address.port}`;
    return domain;
  }

  /** Serves `provider` from now on. */
  serve(provider: Provider): void {
    this.#handle = provider.callback();
  }

  /** Stops listening and drops every connection. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.close((error) => (error ? reject(error) : resolve()));
      this.#server.closeAllConnections();
    });
  }
}
