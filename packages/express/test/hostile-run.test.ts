import { describeHostileRunFindings } from '../../core/test/web/scenarios/hostile-run.js';
import { startApp } from './support/app.js';

describeHostileRunFindings(startApp);
