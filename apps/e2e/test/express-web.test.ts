import { createExpressWebApp, EXPRESS_WEB_APP } from '@gatehouse/demo-express-web';
import { describeDemoInBrowser } from './support/browser-suite.js';

describeDemoInBrowser(EXPRESS_WEB_APP, async (config) => createExpressWebApp(config));
