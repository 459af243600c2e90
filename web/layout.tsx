// The frame of every page: the service's name, who is signed in and at which unit, the
// navigation the role has, a way to sign out, and one main area with the page's heading.
import type { ComponentChildren } from 'preact';
import type { Caller } from '../api/auth';
import type { Role } from '../api/roles';
import { roleLabels } from './labels';

export interface Viewer {
  caller: Caller;
  /** The unit's (or the sector's) name, as the organisation calls it. */
  unitName: string;
  csrf: string;
}

const navigation: { href: string; label: string; roles: Role[] }[] = [
  { href: '/inkorg', label: 'Inkorg', roles: ['handlaggare', 'enhetschef'] },
  { href: '/arenden', label: 'Ärenden', roles: ['handlaggare', 'enhetschef', 'sektorchef', 'samordnare'] },
  { href: '/oversikt', label: 'Översikt', roles: ['enhetschef', 'sektorchef', 'samordnare'] },
  { href: '/uppfoljning', label: 'Uppföljning', roles: ['enhetschef', 'sektorchef', 'samordnare'] },
  { href: '/regler', label: 'Regelverk', roles: ['samordnare'] },
];

export function Layout({ title, viewer, active, children, live }: { title: string; viewer?: Viewer | undefined; active?: string; children: ComponentChildren; live?: boolean }) {
  return (
    <html lang="sv">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}' />
        <title>{`${title} – Samverkan`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        {live && <script src="/static/htmx.min.js" defer />}
      </head>
      <body>
        <a class="hoppa" href="#innehall">
          Hoppa till innehållet
        </a>
        <header class="sidhuvud">
          <div class="bredd">
            <a class="tjanst" href="/">
              Samverkan
            </a>
            {viewer && (
              <div class="inloggad">
                <span>
                  Inloggad som <strong>{roleLabels[viewer.caller.role]}</strong>, {viewer.unitName}
                  <span class="dold"> (användar-id {viewer.caller.sub})</span>
                </span>
                <form method="post" action="/logga-ut">
                  <input type="hidden" name="_csrf" value={viewer.csrf} />
                  <button type="submit" class="lank-knapp">
                    Logga ut
                  </button>
                </form>
              </div>
            )}
          </div>
          {viewer && (
            <nav class="meny bredd" aria-label="Meny">
              <ul>
                {navigation
                  .filter((item) => item.roles.includes(viewer.caller.role))
                  .map((item) => (
                    <li>
                      <a href={item.href} aria-current={active === item.href ? 'page' : undefined}>
                        {item.label}
                      </a>
                    </li>
                  ))}
              </ul>
            </nav>
          )}
        </header>
        <main id="innehall" class="bredd" tabindex={-1}>
          {children}
        </main>
        {/* Only for staff: an external partner's page says nothing of what the case is about. */}
        {viewer && (
          <footer class="sidfot bredd">
            <p>Samverkan kring våld i nära relationer. Här finns hänvisningar och frister, inga journaler: skriv inga namn eller personnummer.</p>
          </footer>
        )}
      </body>
    </html>
  );
}
