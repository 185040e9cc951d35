import { describeWebFlows } from '../../core/test/web/scenarios/flows.js';
import { startApp } from './support/app.js';

describeWebFlows(startApp);
