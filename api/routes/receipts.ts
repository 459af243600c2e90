// The page an external partner reaches from its e-mail: it confirms that a handover arrived.
// No login; the link is single-use and expires. Opening it changes nothing (mail scanners
// follow links); the button does. The page shows nothing of the case.
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { handoverResponseUpdate } from '../../domain/messages';
import type { ReceiptLinks } from '../../infra/receipt-link-store';
import { fromTemporal } from '../errors';
import { ReceiptParams } from '../schemas/receipts';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>` +
  `<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; line-height: 1.5"><h1>${title}</h1>${body}</body></html>`;

const refusals = {
  okand: 'Länken är okänd. Kontakta handläggaren som skickade överlämningen.',
  anvand: 'Länken har redan använts: mottagandet är redan bekräftat.',
  utgangen: 'Länken har slutat gälla. Kontakta handläggaren som skickade överlämningen.',
} as const;

export function receiptRoutes(deps: { client: Client; receipts: ReceiptLinks }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/kvittens/:token', { schema: { hide: true, params: ReceiptParams } }, async (request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Bekräfta mottagen överlämning',
            `<p>Socialtjänsten har lämnat över ett ärende till er. Bekräfta att ni har tagit emot det.</p>` +
              `<form method="post" action="/kvittens/${request.params.token}"><button type="submit">Bekräfta mottagandet</button></form>`,
          ),
        ),
    );

    app.post('/kvittens/:token', { schema: { hide: true, params: ReceiptParams } }, async (request, reply) => {
      const { token } = request.params;
      const claim = await deps.receipts.claim(token);
      if (!claim.ok) return reply.code(410).type('text/html; charset=utf-8').send(page('Länken kan inte användas', `<p>${refusals[claim.reason]}</p>`));
      try {
        await deps.client.workflow.getHandle(claim.handoverWorkflowId).executeUpdate(handoverResponseUpdate, {
          args: [{ actor: { sub: 'kvittenslank', role: 'extern', unit: claim.unit }, response: { typ: 'kvittera' } }],
        });
      } catch (error) {
        if (fromTemporal(error)?.code === 'FEL_FAS') {
          return reply.code(409).type('text/html; charset=utf-8').send(page('Överlämningen väntar inte längre', `<p>Den är redan besvarad eller återkallad.</p>`));
        }
        // Not recorded: the link may be used again.
        await deps.receipts.release(token);
        throw error;
      }
      return reply.type('text/html; charset=utf-8').send(page('Tack', '<p>Mottagandet är bekräftat. Handläggaren ser det direkt.</p>'));
    });
  };
}

