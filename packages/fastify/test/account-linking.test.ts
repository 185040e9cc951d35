import {
  describeAccountLinking,
  describeAccountLinkingSessionId,
} from '@gatehouse/web-test-kit/scenarios/account-linking';
import { startApp } from './support/app.js';

describeAccountLinking(startApp);
describeAccountLinkingSessionId(startApp);
