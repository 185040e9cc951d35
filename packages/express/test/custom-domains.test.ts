import { describeCustomDomains } from '@gatehouse/web-test-kit/scenarios/custom-domains';
import { buildExpressApp } from './support/app.js';

describeCustomDomains(buildExpressApp);
