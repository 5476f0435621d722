import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import type { Locale } from '../../contract/index.js';
import { PAGE_STRINGS } from './page-strings.js';

export interface LayoutProps {
  locale: Locale;
  brandName: string;
  /** What this state of the page is, in a few words: every state has its own window title. */
  title: string;
  /** The same page in the other language, when there is one to link to. */
  otherLanguageHref?: string;
  children: ComponentChildren;
}

function Layout({ locale, brandName, title, otherLanguageHref, children }: LayoutProps) {
  const t = PAGE_STRINGS[locale];
  const other: Locale = locale === 'en' ? 'fr' : 'en';
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title.replace(/\.$/, '')} · ${brandName}`}</title>
        <link rel="stylesheet" href="/assets/page.css" />
      </head>
      <body>
        <header>
          <span class="brand">{brandName}</span>
          {otherLanguageHref && (
            <a href={otherLanguageHref} lang={other} hreflang={other} aria-label={t.switchLanguageLabel}>
              {t.switchLanguage}
            </a>
          )}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}

export function renderPage(props: LayoutProps): string {
  return `<!doctype html>${render(<Layout {...props} />)}`;
}
