import { describeCustomDomains } from '@gatehouse/web-test-kit/scenarios/custom-domains';
import { buildFastifyApp } from './support/app.js';

describeCustomDomains(buildFastifyApp);
