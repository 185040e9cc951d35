import { closeOnSignals, demoConfig, exitOnListenError } from '@gatehouse/demo-ui';
import { createFastifyWebApp, FASTIFY_WEB_APP } from './app.js';

const config = demoConfig(FASTIFY_WEB_APP);
const app = await createFastifyWebApp(config);
try {
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  exitOnListenError('fastify-web', `${config.host}:${config.port}`, error);
}
console.log(`Fastify demo on ${config.appBaseUrl} (tenant ${config.domain})`);
closeOnSignals('fastify-web', () => app.close());
