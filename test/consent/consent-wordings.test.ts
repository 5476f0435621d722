import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORDING_SURFACES } from '../../contract/index.js';
import { ConsentWordings } from '../../server/consent/consent-wordings.js';

/**
 * Every consent wording ever shown, by version, and the hash of its texts. A history row names the
 * version a person saw: the text of a version never changes and a version is never removed. To
 * change what a surface says, add `<surface>@<n+1>` to consent-wordings.json and its hash here.
 */
const SHOWN_VERSIONS: Record<string, string> = {
  'preference-page@1': 'cd54c44cccc3e4535bb78d25cd6ab49e1a8f40c14bb68dd6a962dd12cad0e053',
  'unsubscribe-page@1': '009bd09b2e5d8f681c740c03d0e35a6a5fd4bc4539f7b59e311a0611a45838b8',
  'extension@1': 'c7aff9cad655ca73b5e0e5d99783f1901f586ebe635fd4352e9823dc03d98681',
  'reconfirmation-email@1': '4a1648c4d7ab0e6c4e33d0d5a695d177a11f8c7423b90c797640b2ab1a4e0346',
  'double-opt-in-email@1': '947d9f209e847b01ec20b0a27fa360d1ce030f79e2256d0a7509b10caf84d434',
  'subscribe-form@1': 'bc6e75b76d2ff3db8e5dabdb2466b8d4c0bd9132b87d49029691a58c83a276c3',
};

const file = JSON.parse(fs.readFileSync(new URL('../../server/consent/consent-wordings.json', import.meta.url), 'utf8')) as Record<
  string,
  { surface: string; en: string; fr: string }
>;
const hashOf = (w: { surface: string; en: string; fr: string }) => crypto.createHash('sha256').update(JSON.stringify([w.surface, w.en, w.fr])).digest('hex');

describe('consent wordings, kept by version', () => {
  it('when a wording’s text is compared with the hash recorded for its version, then it has not changed, and no version was removed', () => {
    const changed = Object.entries(file)
      .filter(([version, wording]) => SHOWN_VERSIONS[version] !== hashOf(wording))
      .map(([version]) => version);
    expect(changed, 'a text changed without a new version (or a new version lacks its hash in SHOWN_VERSIONS)').toEqual([]);
    expect(Object.keys(SHOWN_VERSIONS).filter((version) => !(version in file)), 'a version people saw was removed').toEqual([]);
  });

  it('when any one character of a kept text changes, then the hash check sees it', () => {
    const edited = { ...file['extension@1']!, fr: file['extension@1']!.fr.replace('exprès', 'expres') };
    expect(hashOf(edited)).not.toBe(SHOWN_VERSIONS['extension@1']);
  });

  it('when the service starts, then every surface has a current wording, the highest version of it', () => {
    const wordings = new ConsentWordings();
    for (const surface of WORDING_SURFACES) expect(wordings.currentVersion(surface)).toMatch(new RegExp(`^${surface}@\\d+$`));
    const newer = new ConsentWordings({ ...file, 'extension@2': { surface: 'extension', en: 'New text.', fr: 'Nouveau texte.' } });
    expect(newer.currentVersion('extension')).toBe('extension@2');
    expect(newer.get('extension@1')?.texts.en).toBe(file['extension@1']!.en);
  });

  it('when a text is filled in, then the brand, the categories quoted the way each language quotes, and the date appear', () => {
    const wordings = new ConsentWordings();
    const values = { brand: 'SERVEITPRO', date: '30 décembre 2026' };
    expect(wordings.text('reconfirmation-email@1', 'fr', { ...values, categories: ['Avis de sécurité', 'Alertes de service'] })).toContain(
      'recevoir les courriels «\u00a0Avis de sécurité\u00a0» et «\u00a0Alertes de service\u00a0» de SERVEITPRO prend fin le 30 décembre 2026.',
    );
    expect(wordings.text('double-opt-in-email@1', 'en', { brand: 'SERVEITPRO', categories: ['News and offers'] })).toMatch(
      /^Someone asked to receive “News and offers” from SERVEITPRO at this address\./,
    );
  });

  it('when a request claims a wording of another surface or none, then the current wording of its own surface is recorded', () => {
    const wordings = new ConsentWordings();
    expect(wordings.shown('extension', 'preference-page@1', 'fr')).toEqual({ version: 'extension@1', locale: 'fr' });
    expect(wordings.shown('extension', undefined, 'de')).toEqual({ version: 'extension@1', locale: 'en' });
    expect(wordings.shown('preference-page', 'preference-page@1', 'en')).toEqual({ version: 'preference-page@1', locale: 'en' });
  });

  it('when the wordings file has a version named after another surface, then it is refused at start', () => {
    expect(() => new ConsentWordings({ 'extension@1': { surface: 'preference-page', en: 'a', fr: 'b' } })).toThrow(/named after its surface/);
  });
});
