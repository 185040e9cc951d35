import { describeHostileRunFindings } from '@gatehouse/web-test-kit/scenarios/hostile-run';
import { startApp } from './support/app.js';

describeHostileRunFindings(startApp);
