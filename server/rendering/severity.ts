import type { Severity } from '../../contract/index.js';

export { SEVERITIES, type Severity } from '../../contract/index.js';

export interface SeverityStyle {
  background: string;
  text: string;
  accent: string;
  icon: string;
}

// Every text/background pair is at least 4.5:1 (WCAG AA). Critical is the only dark red with white text,
// so it stands apart; high is orange and medium amber, both light with dark text.
export const SEVERITY_STYLES: Readonly<Record<Severity, SeverityStyle>> = {
  critical: { background: '#b42318', text: '#ffffff', accent: '#7a1209', icon: '⚠' },
  high: { background: '#fb923c', text: '#1f1300', accent: '#c2410c', icon: '⚠' },
  medium: { background: '#fde68a', text: '#451a03', accent: '#d97706', icon: 'ℹ' },
  low: { background: '#e0e7ef', text: '#1e293b', accent: '#64748b', icon: 'ℹ' },
};
