import { describePasskeys } from '@gatehouse/web-test-kit/scenarios/passkeys';
import { startApp } from './support/app.js';

describePasskeys(startApp);
