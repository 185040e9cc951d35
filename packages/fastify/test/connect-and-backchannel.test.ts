import { describeConnectAndBackchannel } from '../../core/test/web/scenarios/connect-and-backchannel.js';
import { startApp } from './support/app.js';

describeConnectAndBackchannel(startApp);
