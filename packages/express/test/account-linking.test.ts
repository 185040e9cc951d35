import { describeAccountLinking } from '@gatehouse/web-test-kit/scenarios/account-linking';
import { startApp } from './support/app.js';

describeAccountLinking(startApp);
