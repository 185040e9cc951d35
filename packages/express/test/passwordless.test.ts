import { describePasswordless } from '@gatehouse/web-test-kit/scenarios/passwordless';
import { startApp } from './support/app.js';

describePasswordless(startApp);
