import { describe, expect, it } from 'vitest';
import { parseCliOptions } from '../src/cli-options.js';

describe('the command line', () => {
  it('starts on port 4000 with no custom domain by default', () => {
    expect(parseCliOptions([], {})).toEqual({
      help: false,
      start: { port: 4000, host: '127.0.0.1', customDomains: [] },
    });
  });

  it('takes a custom domain per --custom-domain-port, in order', () => {
    const options = parseCliOptions(
      ['--port', '0', '--custom-domain-port', '4001', '--custom-domain-port', '0'],
      {},
    );
    expect(options).toMatchObject({
      start: { port: 0, customDomains: [{ port: 4001 }, { port: 0 }] },
    });
  });

  it('takes them from DEV_TENANT_CUSTOM_DOMAIN_PORTS, unless the flag is given', () => {
    const env = { DEV_TENANT_PORT: '5000', DEV_TENANT_CUSTOM_DOMAIN_PORTS: '5001,5002' };
    expect(parseCliOptions([], env)).toMatchObject({
      start: { port: 5000, customDomains: [{ port: 5001 }, { port: 5002 }] },
    });
    expect(parseCliOptions(['--custom-domain-port', '6001'], env)).toMatchObject({
      start: { customDomains: [{ port: 6001 }] },
    });
  });

  it.each([
    [['--custom-domain-port', 'x'], /--custom-domain-port must be a port number, got "x"/],
    [['--custom-domain-port', ''], /--custom-domain-port must be a port number/],
    [['--port', '70000'], /--port must be a port number/],
  ])('refuses %j, naming the option', (args, message) => {
    expect(() => parseCliOptions(args, {})).toThrow(message);
  });

  it('passes the config file on and answers --help', () => {
    expect(parseCliOptions(['--config', 'tenant.json'], {})).toMatchObject({
      configFile: 'tenant.json',
    });
    expect(parseCliOptions(['--help'], {})).toEqual({ help: true });
  });
});
