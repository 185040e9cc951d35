import { describeDpopProtection } from '@gatehouse/web-test-kit/scenarios/dpop';
import { startApp } from './support/app.js';

describeDpopProtection(startApp);
