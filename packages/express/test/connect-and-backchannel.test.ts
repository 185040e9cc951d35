import { describeConnectAndBackchannel } from '@gatehouse/web-test-kit/scenarios/connect-and-backchannel';
import { startApp } from './support/app.js';

describeConnectAndBackchannel(startApp);
