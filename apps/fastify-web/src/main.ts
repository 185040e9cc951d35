import { closeOnSignals, demoConfig } from '@gatehouse/demo-ui';
import { createFastifyWebApp, FASTIFY_WEB_APP } from './app.js';

const config = demoConfig(FASTIFY_WEB_APP);
const app = await createFastifyWebApp(config);
await app.listen({ port: config.port, host: config.host });
console.log(`Fastify demo on ${config.appBaseUrl} (tenant ${config.domain})`);
closeOnSignals('fastify-web', () => app.close());
