import { describeWebSecurity } from '@gatehouse/web-test-kit/scenarios/security';
import { startApp } from './support/app.js';

describeWebSecurity(startApp);
