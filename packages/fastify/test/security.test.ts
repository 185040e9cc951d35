import { describeWebSecurity } from '../../core/test/web/scenarios/security.js';
import { startApp } from './support/app.js';

describeWebSecurity(startApp);
