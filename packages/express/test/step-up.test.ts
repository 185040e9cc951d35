import { describeStepUp } from '@gatehouse/web-test-kit/scenarios/step-up';
import { startApp } from './support/app.js';

describeStepUp(startApp);
