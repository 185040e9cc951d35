import { createFastifyWebApp, FASTIFY_WEB_APP } from '@gatehouse/demo-fastify-web';
import { describeDemoInBrowser } from './support/browser-suite.js';

// Fastify's router serves the stack's server, which had to listen before the app knew its URL.
describeDemoInBrowser(FASTIFY_WEB_APP, async (config) => {
  const app = await createFastifyWebApp(config);
  return (req, res) => app.routing(req, res);
});
