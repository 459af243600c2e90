// The page an external partner reaches from its e-mail: it confirms that a handover arrived.
// No login; the link is single-use and expires. Opening it changes nothing (mail scanners
// follow links); the button does. The page shows nothing of the case. Its form is a plain
// HTML form, so it works without JavaScript: the browser posts it urlencoded, which only this
// plugin accepts (the rest of the API answers 415 to anything but JSON).
import formbody from '@fastify/formbody';
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { handoverResponseUpdate } from '../../domain/messages';
import type { ReceiptLinks } from '../../infra/receipt-link-store';
import { fromTemporal } from '../errors';
import { ReceiptParams } from '../schemas/receipts';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} – Socialtjänsten</title></head>` +
  `<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5"><main><h1 id="rubrik">${title}</h1>${body}</main></body></html>`;

const html = 'text/html; charset=utf-8';

const refusals = {
  okand: 'Länken är okänd. Kontakta handläggaren som skickade överlämningen.',
  anvand: 'Länken har redan använts: mottagandet är redan bekräftat.',
  utgangen: 'Länken har slutat gälla. Kontakta handläggaren som skickade överlämningen.',
} as const;

export function receiptRoutes(deps: { client: Client; receipts: ReceiptLinks }): FastifyPluginAsyncZod {
  return async (app) => {
    // Here only: the form's urlencoded post (it has no fields; the token is in the address).
    await app.register(formbody);

    app.get('/kvittens/:token', { schema: { hide: true, params: ReceiptParams } }, async (request, reply) => {
      const { token } = request.params;
      // Looking changes nothing: a used, expired or unknown link says so at once.
      const state = await deps.receipts.check(token);
      if (!state.ok) return reply.code(410).type(html).send(page('Länken kan inte användas', `<p>${refusals[state.reason]}</p>`));
      return reply
        .type(html)
        .send(
          page(
            'Bekräfta mottagen överlämning',
            `<p>Socialtjänsten har lämnat över ett ärende till er. Bekräfta att ni har tagit emot det. Handläggaren kontaktar er på överenskommet, säkert sätt med uppgifterna.</p>` +
              `<form method="post" action="/kvittens/${token}" aria-labelledby="rubrik">` +
              `<p id="hjalp">Knappen bekräftar mottagandet en gång; sedan går länken inte att använda igen.</p>` +
              `<button type="submit" aria-describedby="hjalp">Bekräfta mottagandet</button></form>`,
          ),
        );
    });

    app.post('/kvittens/:token', { schema: { hide: true, params: ReceiptParams } }, async (request, reply) => {
      const { token } = request.params;
      const claim = await deps.receipts.claim(token);
      if (!claim.ok) return reply.code(410).type(html).send(page('Länken kan inte användas', `<p>${refusals[claim.reason]}</p>`));
      try {
        await deps.client.workflow.getHandle(claim.handoverWorkflowId).executeUpdate(handoverResponseUpdate, {
          args: [{ actor: { sub: 'kvittenslank', role: 'extern', unit: claim.unit }, response: { typ: 'kvittera' } }],
        });
      } catch (error) {
        if (fromTemporal(error)?.code === 'FEL_FAS') {
          return reply.code(409).type(html).send(page('Överlämningen väntar inte längre', `<p>Den är redan besvarad eller återkallad.</p>`));
        }
        // Not recorded: the link may be used again.
        await deps.receipts.release(token);
        throw error;
      }
      return reply.type(html).send(page('Tack', '<p>Mottagandet är bekräftat. Handläggaren ser det direkt.</p>'));
    });
  };
}

