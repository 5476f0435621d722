import { describe, expect, it } from 'vitest';
import {
  compileTemplates,
  invalidTemplateFields,
  templateDataSchemas,
  TEMPLATE_NAMES,
  TemplateDataError,
} from '../../server/rendering/render.js';
import { BRAND, contextFor, SAMPLE_DATA } from './fixtures.js';

const fieldsOf = (problems: { field: string }[]) => problems.map((p) => p.field).sort();

describe('invalidTemplateFields', () => {
  it('when the data is complete, then nothing is reported', () => {
    for (const template of TEMPLATE_NAMES) {
      expect(invalidTemplateFields(template, SAMPLE_DATA[template])).toEqual([]);
      expect(templateDataSchemas[template].safeParse(SAMPLE_DATA[template]).success).toBe(true);
    }
  });

  it('when required fields are missing, then each is named', () => {
    expect(fieldsOf(invalidTemplateFields('ticket-update', {}))).toEqual(['message', 'status', 'subject', 'ticketId']);
    expect(fieldsOf(invalidTemplateFields('invoice-receipt', {}))).toEqual(['amount', 'currency', 'invoiceNumber', 'issuedAt']);
    expect(fieldsOf(invalidTemplateFields('announcement', {}))).toEqual(['body', 'title']);
    expect(fieldsOf(invalidTemplateFields('security-advisory', {}))).toEqual(['body', 'severity', 'summary', 'title']);
    expect(fieldsOf(invalidTemplateFields('sign-in-code', {}))).toEqual(['code', 'expiresInMinutes']);
    expect(fieldsOf(invalidTemplateFields('preferences-link', {}))).toEqual(['url']);
    expect(fieldsOf(invalidTemplateFields('data-export', {}))).toEqual(['requestedAt']);
    expect(invalidTemplateFields('announcement', { body: 'x' })).toEqual([{ field: 'title', message: 'is required' }]);
  });

  it('when the data is not an object, then every required field is named', () => {
    expect(fieldsOf(invalidTemplateFields('announcement', null))).toEqual(['body', 'title']);
    expect(fieldsOf(invalidTemplateFields('announcement', 'hello'))).toEqual(['body', 'title']);
  });

  it('when a required field is empty or blank, then it is reported as required', () => {
    const problems = invalidTemplateFields('announcement', { title: '   ', body: '' });
    expect(problems).toEqual([
      { field: 'title', message: 'is required' },
      { field: 'body', message: 'is required' },
    ]);
  });

  it('when a field has the wrong type or value, then it is named with what it must be', () => {
    const advisory = { ...SAMPLE_DATA['security-advisory'], severity: 'urgent', title: 42 };
    expect(invalidTemplateFields('security-advisory', advisory)).toEqual([
      { field: 'title', message: 'must be a string or {en, fr}' },
      { field: 'severity', message: 'must be one of low, medium, high, critical' },
    ]);
    const invoice = { ...SAMPLE_DATA['invoice-receipt'], amount: '12,50', currency: 'dollars', issuedAt: 'yesterday', url: 'javascript:alert(1)' };
    expect(fieldsOf(invalidTemplateFields('invoice-receipt', invoice))).toEqual(['amount', 'currency', 'issuedAt', 'url']);
    expect(fieldsOf(invalidTemplateFields('sign-in-code', { code: '12345', expiresInMinutes: 0 }))).toEqual(['code', 'expiresInMinutes']);
    expect(fieldsOf(invalidTemplateFields('ticket-update', { ...SAMPLE_DATA['ticket-update'], url: 'ftp://x.example' }))).toEqual(['url']);
    expect(invalidTemplateFields('data-export', { requestedAt: 'last Tuesday' })).toEqual([
      { field: 'requestedAt', message: 'must be an ISO 8601 date such as 2026-11-26 or 2026-11-26T14:30:00Z' },
    ]);
  });

  it('when extra fields are present, then they are accepted', () => {
    expect(invalidTemplateFields('announcement', { title: 't', body: 'b', campaign: 'q4' })).toEqual([]);
  });
});

describe('render with bad data', () => {
  it('then it throws a TemplateDataError naming the fields', async () => {
    const renderer = await compileTemplates(BRAND);
    const error = await renderer.render('ticket-update', { ticketId: 1 }, contextFor('ticket-update', 'en')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateDataError);
    expect(fieldsOf((error as TemplateDataError).fields)).toEqual(['message', 'status', 'subject']);
  });

  it('when a context link is not http(s), then it refuses to render', async () => {
    const renderer = await compileTemplates(BRAND);
    const ctx = { ...contextFor('announcement', 'en'), links: { unsubscribe: 'javascript:alert(1)' } };
    await expect(renderer.render('announcement', SAMPLE_DATA.announcement, ctx)).rejects.toThrow(/http/);
  });
});
