import { describe, expect, it } from 'vitest';
import { isCrossSiteNavigation, isCrossSiteSubmission } from './cross-site.js';

const APP = new URL('https://app.example.com/');

describe('cross-site checks of logout and connect', () => {
  it.each([
    [undefined, false],
    ['same-origin', false],
    ['none', false],
    ['same-site', true],
    ['cross-site', true],
    ['cross-site, same-origin', true],
  ])('a GET with Sec-Fetch-Site %s is cross-site: %s', (fetchSite, expected) => {
    expect(isCrossSiteNavigation({ fetchSite })).toBe(expected);
  });

  it.each([
    [{}, false],
    [{ fetchSite: 'same-origin' }, false],
    [{ fetchSite: 'same-origin', origin: 'https://other.example.com' }, false],
    [{ origin: 'https://app.example.com' }, false],
    [{ fetchSite: 'none' }, true],
    [{ fetchSite: 'same-site' }, true],
    [{ origin: 'https://evil.example' }, true],
    [{ origin: 'null' }, true],
    [{ origin: 'http://app.example.com' }, true],
  ])('a POST with %o is cross-site: %s', (request, expected) => {
    expect(isCrossSiteSubmission(request, APP)).toBe(expected);
  });
});
