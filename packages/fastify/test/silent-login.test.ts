import { describeSilentLogin } from '@gatehouse/web-test-kit/scenarios/silent-login';
import { startApp } from './support/app.js';

describeSilentLogin(startApp);
