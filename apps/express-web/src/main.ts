import { closeOnSignals, demoConfig, exitOnListenError } from '@gatehouse/demo-ui';
import { createExpressWebApp, EXPRESS_WEB_APP } from './app.js';

const config = demoConfig(EXPRESS_WEB_APP);
// Express 5 hands a listen error to the callback; without a check it would print "Express demo
// on ..." and exit 0 when the port is taken.
const server = createExpressWebApp(config).listen(config.port, config.host, (error?: Error) => {
  if (error) exitOnListenError('express-web', `${config.host}:${config.port}`, error);
  console.log(`Express demo on ${config.appBaseUrl} (tenant ${config.domain})`);
});
closeOnSignals('express-web', async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
});
