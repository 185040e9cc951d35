import { describeWebFlows } from '@gatehouse/web-test-kit/scenarios/flows';
import { startApp } from './support/app.js';

describeWebFlows(startApp);
