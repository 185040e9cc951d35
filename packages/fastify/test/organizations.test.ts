import { describeOrganizations } from '@gatehouse/web-test-kit/scenarios/organizations';
import { startApp } from './support/app.js';

describeOrganizations(startApp);
