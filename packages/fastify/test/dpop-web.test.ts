import { describeDpopWebApp } from '@gatehouse/web-test-kit/scenarios/dpop-web';
import { startApp } from './support/app.js';

describeDpopWebApp(startApp);
