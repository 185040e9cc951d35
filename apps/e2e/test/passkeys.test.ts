import { createExpressWebApp, EXPRESS_WEB_APP } from '@gatehouse/demo-express-web';
import { createFastifyWebApp, FASTIFY_WEB_APP } from '@gatehouse/demo-fastify-web';
import { describePasskeysInBrowser } from './support/passkey-flow.js';

describePasskeysInBrowser(EXPRESS_WEB_APP, async (config) => createExpressWebApp(config));
// Fastify's router serves the stack's server, which had to listen before the app knew its URL.
describePasskeysInBrowser(FASTIFY_WEB_APP, async (config) => {
  const app = await createFastifyWebApp(config);
  return (req, res) => app.routing(req, res);
});
