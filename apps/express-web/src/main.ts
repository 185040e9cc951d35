import { closeOnSignals, demoConfig } from '@gatehouse/demo-ui';
import { createExpressWebApp, EXPRESS_WEB_APP } from './app.js';

const config = demoConfig(EXPRESS_WEB_APP);
const server = createExpressWebApp(config).listen(config.port, config.host, () => {
  console.log(`Express demo on ${config.appBaseUrl} (tenant ${config.domain})`);
});
closeOnSignals('express-web', async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
});
