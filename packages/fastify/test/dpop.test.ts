import { describeDpopProtection } from '../../core/test/web/scenarios/dpop.js';
import { startApp } from './support/app.js';

describeDpopProtection(startApp);
